package schema

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Snippets quote the file, and a file may hold a secret's value: a config
// key's default. A snippet masks the values of the pipeline's secret
// config keys (IsSecret) as the run masks them everywhere else: each
// value of minSecretLen or more reads ***. Which keys are secret is known
// once the file is read (maskSnippets); in a file that does not parse,
// the values written after keys named like secrets (API_TOKEN: ...) are
// masked, wherever in the file they are.

// maskedText is what a secret reads as (engine.Masked).
const maskedText = "***"

// minSecretLen is the engine's: a shorter value is no secret, and masking
// it would turn every snippet into asterisks.
const minSecretLen = 3

// secretPairRE finds `KEY: value` in a line, in block (`KEY: value`,
// `- KEY: value`) or flow style (`{KEY: value, ...}`), the key quoted or
// not. Group 1 is what comes before the key, 2 the key.
var secretPairRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(^\s*(?:-\s+)?|[{,]\s*)["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*:(?:\s+|$)`)
})

// byName is a pipeline that declares no secret: its IsSecret is the rule
// of names alone.
var byName Pipeline

// maskSnippets makes the snippets of l's diagnostics, and of every one
// made from its source later (the engine's), mask the secrets of the
// pipeline as read: those made while it was read knew only the keys
// named like secrets.
func (l *loader) maskSnippets() {
	l.src.pipeline, l.src.secretsSet = l.p, false
	for _, d := range l.diags {
		if d.Snippet != "" && d.File == l.src.Name {
			d.Snippet = l.src.snippet(Pos{Line: d.Line, Col: d.Col})
		}
	}
}

// findSecrets sets the texts s's snippets mask: the values of its
// pipeline's secret config keys, as read, and what the file writes after
// a key named like a secret or listed under secrets:, as written (a
// value YAML reads as another text: 1e6, a quoted escape; or the file
// does not parse).
func (s *Source) findSecrets() {
	values := s.secretsInText()
	if p := s.pipeline; p != nil {
		for _, c := range p.Config {
			if p.IsSecret(c.Key) {
				values = appendSecretTexts(values, c.Value)
			}
		}
	}
	s.setSecrets(values)
}

// appendSecretTexts appends the texts of secret value v: a scalar's, each
// line of a text of many (a snippet is one line), the items' of a list or
// a map.
func appendSecretTexts(texts []string, v any) []string {
	switch x := v.(type) {
	case nil:
		return texts
	case string:
		texts = append(texts, x)
		if strings.Contains(x, "\n") {
			for line := range strings.Lines(x) {
				texts = append(texts, strings.TrimSpace(line))
			}
		}
		return texts
	case []any:
		for _, item := range x {
			texts = appendSecretTexts(texts, item)
		}
		return texts
	case map[string]any:
		for _, item := range x {
			texts = appendSecretTexts(texts, item)
		}
		return texts
	}
	return append(texts, scalarText(v))
}

// setSecrets sets the texts snippets of s mask: one replacer of them
// all, longest first so that a secret holding another is masked whole.
// It costs the length of the texts, and masking a line the line's times
// the longest text's, however many there are.
func (s *Source) setSecrets(texts []string) {
	seen := make(map[string]bool, len(texts))
	kept := make([]string, 0, len(texts))
	for _, t := range texts {
		if utf8.RuneCountInString(t) >= minSecretLen && t != maskedText && !seen[t] {
			seen[t] = true
			kept = append(kept, t)
		}
	}
	s.secrets, s.secretsSet = nil, true
	if len(kept) == 0 {
		return
	}
	slices.SortStableFunc(kept, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(kept))
	for _, t := range kept {
		pairs = append(pairs, t, maskedText)
	}
	s.secrets = strings.NewReplacer(pairs...)
}

// secretsInText returns what s's text writes after keys that are
// secret by their name or listed under secrets: (secretsListed), and
// after the default: of such a key's long form: a quoted value without
// its quotes (to the line's end when the quote does not end there), a
// plain one to a comment or a ": ", or in a flow mapping to the next
// , or }.
func (s *Source) secretsInText() []string {
	lines := strings.Split(string(s.Data), "\n")
	listed := secretsListed(lines)
	var found []string
	longForm := -1 // the indent of a secret key whose value is the lines below
	for _, line := range lines {
		line = strings.TrimRight(line, "\r")
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if longForm >= 0 && indent <= longForm && strings.TrimSpace(line) != "" {
			longForm = -1
		}
		for _, m := range secretPairRE().FindAllStringSubmatchIndex(line, -1) {
			key := line[m[4]:m[5]]
			if !byName.IsSecret(key) && !listed[key] && (key != "default" || longForm < 0) {
				continue
			}
			rest := strings.TrimLeft(line[m[1]:], " \t")
			if rest == "" || rest[0] == '#' {
				longForm = indent
				continue
			}
			inFlow := strings.ContainsAny(line[m[2]:m[3]], "{,")
			if d := strings.Index(rest, "default:"); rest[0] == '{' && d >= 0 { // {default: x, description: ...}
				rest, inFlow = strings.TrimLeft(rest[d+len("default:"):], " \t"), true
			}
			if v := valueText(rest, inFlow); v != "" {
				found = append(found, v)
			}
		}
	}
	return found
}

// secretsListedRE finds a top-level secrets: key and what follows it on
// its line.
var secretsListedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^["']?secrets["']?\s*:\s*(.*)$`) })

// secretsListed returns the config keys lines list under secrets: as
// written: [A, B], one name, or a block list below it.
func secretsListed(lines []string) map[string]bool {
	listed := map[string]bool{}
	add := func(names string) {
		for _, name := range strings.Split(names, ",") {
			if name = strings.Trim(strings.TrimSpace(name), `"'`); name != "" {
				listed[name] = true
			}
		}
	}
	for i := 0; i < len(lines); i++ {
		m := secretsListedRE().FindStringSubmatch(strings.TrimRight(lines[i], "\r"))
		if m == nil {
			continue
		}
		rest, _, _ := strings.Cut(m[1], " #")
		if rest = strings.TrimSpace(rest); rest != "" {
			add(strings.Trim(rest, "[]"))
			continue
		}
		for i+1 < len(lines) {
			item := strings.TrimSpace(strings.TrimRight(lines[i+1], "\r"))
			if !strings.HasPrefix(item, "- ") {
				break
			}
			item, _, _ = strings.Cut(item[2:], " #")
			add(item)
			i++
		}
	}
	return listed
}

// valueText is the scalar at the start of rest, as secretsInText takes it.
func valueText(rest string, inFlow bool) string {
	if rest == "" {
		return ""
	}
	if q := rest[0]; q == '"' || q == '\'' {
		if end := strings.IndexByte(rest[1:], q); end >= 0 {
			return rest[1 : 1+end]
		}
		return rest[1:]
	}
	if strings.ContainsAny(rest[:1], "{[|>&*!#") {
		return "" // a collection, a block scalar, an anchor, an alias, a tag, a comment
	}
	end := len(rest)
	for _, stop := range []string{" #", ": "} { // a plain scalar ends there
		if i := strings.Index(rest[:end], stop); i >= 0 {
			end = i
		}
	}
	if inFlow {
		if i := strings.IndexAny(rest[:end], ",}]"); i >= 0 {
			end = i
		}
	}
	return strings.TrimSpace(rest[:end])
}

// masked returns line with each of s's secrets read as ***, and the
// column col of line moved to where it is in what is returned: onto the
// *** of a secret it pointed into.
func (s *Source) masked(line string, col int) (string, int) {
	if !s.secretsSet {
		s.findSecrets()
	}
	if s.secrets == nil {
		return line, col
	}
	out := s.secrets.Replace(line)
	if out == line {
		return line, col
	}
	// The text before the caret, masked alone, starts the masked line
	// unless a secret runs from before the caret to past it.
	at, past := 0, col-1 // the caret's byte offset, and the runes past the line's end
	for at < len(line) && past > 0 {
		_, size := utf8.DecodeRuneInString(line[at:])
		at, past = at+size, past-1
	}
	before := s.secrets.Replace(line[:at])
	if strings.HasPrefix(out, before) {
		return out, 1 + utf8.RuneCountInString(before) + past
	}
	common := 0
	for common < min(len(before), len(out)) && before[common] == out[common] {
		common++
	}
	if i := strings.LastIndex(out[:min(len(out), common+len(maskedText))], maskedText); i >= 0 {
		common = i
	}
	return out, 1 + utf8.RuneCountInString(out[:common])
}
