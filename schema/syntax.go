package schema

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	goccy "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	goccyparser "github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// The error path re-parses with goccy/go-yaml only within these bounds. Its
// parser's memory grows with the square of the nesting depth (2.5 GB at
// 40,000 levels) and of the number of nodes (300 MB for an 8,000-node
// file), so a bigger or deeper file keeps yaml.v3's line instead.
//
// What a file holds in long scalars (a 100 KB line of data) costs goccy
// memory in proportion (about 80 bytes a byte), not squared: a file of up
// to goccyMaxSize is re-parsed while its structure, counted as the bytes
// that can start a node (newlines, `,`, `[`, `{`, `:`), stays under
// goccyMaxStructure, what a 64 KiB file can hold at most.
const (
	goccyMaxSize      = 1 << 20
	goccyMaxStructure = 64 << 10
	goccyMaxDepth     = 1000
)

// MaxDepth is how deeply yaml.v3 lets lists and mappings nest; deeper input
// is refused.
const MaxDepth = 10000

// Compiled on first use, not in an init: inits run at every start of pipe.
var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): `) })

// unquotedTagWhenRE finds `when:` values written with a leading `!` and an
// operator YAML cannot read after a tag (anchors `&`, block scalars `|`).
var unquotedTagWhenRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\s*(?:-\s+)?when:\s*)(![^'"]*[&|*>].*)$`) })

var unknownAnchorRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unknown anchor '(.*)' referenced$`) })

// syntaxError reports a YAML syntax error at the most precise position it
// can find; every message gets a line and a column. yaml.v3 often names the
// enclosing block's line and never a column, and names no line at all for
// errors on the first line or found after parsing (an undefined alias), so
// the error path locates those itself or re-parses with goccy/go-yaml,
// which positions the same errors exactly.
func (l *loader) syntaxError(err error) {
	// An unquoted `when: !a && b` is the most common cause; say so first.
	if l.unquotedWhen() {
		return
	}
	raw := err.Error()
	msg := strings.TrimPrefix(raw, "yaml: ")
	pos := Pos{}
	if m := yamlLineRE().FindStringSubmatch(raw); m != nil {
		n, _ := strconv.Atoi(m[1])
		pos = Pos{Line: n, Col: 1}
		msg = strings.TrimPrefix(raw, m[0])
	}
	if l.longKeyError(pos.Line, msg) {
		return
	}
	hint := ""
	switch m := unknownAnchorRE().FindStringSubmatch(msg); {
	case m != nil:
		pos = l.aliasPos(m[1])
		msg = fmt.Sprintf("alias *%s refers to no anchor", m[1])
		hint = fmt.Sprintf("define the anchor (&%s) before the alias, or fix the name", m[1])
	case strings.HasPrefix(msg, "exceeded max depth"):
		pos = l.depthPos(MaxDepth)
		msg = fmt.Sprintf("lists and mappings nest more than %d levels deep", MaxDepth)
		hint = "flatten the value; a pipeline never needs this depth"
	default:
		if gpos, gmsg, ok := l.goccyPos(); ok {
			pos, msg = gpos, gmsg
		}
	}
	if !pos.IsValid() {
		// yaml.v3 names no line for a problem on the first one.
		pos = Pos{Line: 1, Col: 1}
	}
	if hint == "" && strings.Contains(msg, "'\t'") {
		hint = "YAML indents with spaces only: replace the tab with spaces"
	}
	if line := l.src.Line(pos.Line); hint == "" && strings.Contains(line, "${{") && !strings.Contains(line, `"${{`) && !strings.Contains(line, `'${{`) {
		hint = `quote the value ('${{ ... }}'): YAML reads ": " or "#" inside an unquoted expression as its own syntax`
	}
	if line := l.src.Line(pos.Line); hint == "" && unquotedTagInFlow().MatchString(line) {
		// {when: !config.A}: in a flow mapping YAML reads the ! as a tag
		// that the } or , after it cannot end.
		hint = `quote the expression: when: "!config.X" (YAML reads an unquoted ! as a tag)`
	}
	l.errorf(pos, hint, "YAML syntax error: %s", msg)
}

// unquotedTagInFlow matches a line whose flow mapping has `when: !...`
// unquoted.
var unquotedTagInFlow = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[{,]\s*when:\s*!`) })

// unquotedWhen reports every `when: !a && b` line, which YAML cannot read.
func (l *loader) unquotedWhen() bool {
	found := false
	for i, line := range strings.Split(string(l.src.Data), "\n") {
		if m := unquotedTagWhenRE().FindStringSubmatch(strings.TrimRight(line, "\r")); m != nil {
			col := utf8.RuneCountInString(m[1]) + 1
			expr := strings.TrimSpace(m[2])
			l.errorf(Pos{Line: i + 1, Col: col}, fmt.Sprintf("quote the expression: when: %s", Clip(strconv.Quote(expr))),
				"YAML cannot read this expression unquoted: it reads `!` as a tag and `&`, `|`, `*` or `>` as YAML syntax")
			found = true
		}
	}
	return found
}

// goccyPos re-parses the file with goccy/go-yaml for the position of its
// syntax error, when the file is small and shallow enough for that to be
// cheap (see goccyMaxSize).
func (l *loader) goccyPos() (pos Pos, msg string, ok bool) {
	data := l.src.Data
	if len(data) > goccyMaxSize || structure(data) > goccyMaxStructure || flowDepth(lexer.Tokenize(string(data))) > goccyMaxDepth {
		return Pos{}, "", false
	}
	// The error path must never be what crashes: a goccy bug on odd input
	// falls back to yaml.v3's line.
	defer func() {
		if recover() != nil {
			pos, msg, ok = Pos{}, "", false
		}
	}()
	_, gerr := goccyparser.ParseBytes(data, 0)
	var ye goccy.Error
	if gerr == nil || !errors.As(gerr, &ye) || ye.GetToken() == nil {
		return Pos{}, "", false
	}
	tp := ye.GetToken().Position
	return Pos{Line: tp.Line, Col: tp.Column}, ye.GetMessage(), tp.Line > 0
}

// structure counts the bytes of data that can start a YAML node: more
// than the nodes there are, never fewer.
func structure(data []byte) int {
	n := 0
	for _, c := range data {
		switch c {
		case '\n', ',', '[', '{', ':':
			n++
		}
	}
	return n
}

// flowDepth is the deepest nesting of [ and { among tokens.
func flowDepth(tokens token.Tokens) int {
	depth, deepest := 0, 0
	for _, t := range tokens {
		switch t.Type {
		case token.SequenceStartType, token.MappingStartType:
			depth++
			deepest = max(deepest, depth)
		case token.SequenceEndType, token.MappingEndType:
			depth = max(0, depth-1)
		}
	}
	return deepest
}

// depthPos finds where nesting first passes limit: the opening bracket, or
// a line indented past it. Brackets are counted outside comments but inside
// quotes too, which is close enough to point at a runaway nesting.
func (l *loader) depthPos(limit int) Pos {
	depth := 0
	for i, line := range bytes.Split(l.src.Data, []byte("\n")) {
		if indent := len(line) - len(bytes.TrimLeft(line, " ")); indent > limit {
			return Pos{Line: i + 1, Col: limit + 1}
		}
		for j, c := range line {
			switch c {
			case '[', '{':
				if depth++; depth > limit {
					return Pos{Line: i + 1, Col: 1 + utf8.RuneCount(line[:j])}
				}
			case ']', '}':
				depth = max(0, depth-1)
			case '#':
				if j == 0 || line[j-1] == ' ' || line[j-1] == '\t' {
					goto nextLine
				}
			}
		}
	nextLine:
	}
	return Pos{}
}

// aliasPos finds the first `*name` alias in the file outside comments.
func (l *loader) aliasPos(name string) Pos {
	want := "*" + name
	for i, line := range strings.Split(string(l.src.Data), "\n") {
		for off := 0; ; {
			j := strings.Index(line[off:], want)
			if j < 0 {
				break
			}
			j += off
			before, after := byte(' '), byte(' ')
			if j > 0 {
				before = line[j-1]
			}
			if end := j + len(want); end < len(line) {
				after = line[end]
			}
			if strings.Contains(" \t[{,:-?", string(before)) && strings.Contains(" \t\r]},", string(after)) {
				if k := strings.Index(line, " #"); k >= 0 && k < j {
					break
				}
				return Pos{Line: i + 1, Col: 1 + utf8.RuneCountInString(line[:j])}
			}
			off = j + 1
		}
	}
	return Pos{}
}
