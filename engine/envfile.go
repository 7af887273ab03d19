package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/joho/godotenv"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// What programs of exec and python nodes find in their environment, from
// weakest to strongest (a later layer wins):
//
//  1. pipe's own environment;
//  2. the keys of the .env files (the pipeline's dotenv files, then
//     --config's, a later one winning) that the pipeline does not
//     declare, where pipe's environment does not set them already (the
//     environment beats a .env file, as it does for config values and as
//     python-dotenv does);
//  3. every config key the pipeline declares, with its resolved value:
//     what config.KEY reads (default < .env file < environment < --set);
//  4. the node's own `env:` input (exec).
//
// Values are text: true/false for bools, numbers as pipe writes them; an
// empty config key (no default, nothing set) is left out.

// moduleEnv returns layers 2 and 3 as KEY=VALUE, layer 2 sorted by key,
// then the config keys in file order. A value no program's environment
// can hold (unexportable) is left out, its key in left, rather than fail
// every program of the run, most of which never read it.
func moduleEnv(plan *Plan, cfg map[string]any, extra map[string]string) (env []string, left map[string]string) {
	env = make([]string, 0, len(extra)+len(plan.Pipeline.Config))
	add := func(k, v string) {
		if why := unexportable(k, v); why != "" {
			if left == nil {
				left = map[string]string{}
			}
			left[k] = why
			return
		}
		env = append(env, k+"="+v)
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k, extra[k])
	}
	for _, c := range plan.Pipeline.Config {
		if v, ok := cfg[c.Key]; ok && v != nil {
			add(c.Key, modules.Text(v))
		}
	}
	return env, left
}

// envMaxLen is the longest KEY=VALUE a program's environment takes: one
// string of exec's arguments and environment may not pass 32 pages on
// Linux (MAX_ARG_STRLEN), and execve fails for the whole program
// ("argument list too long").
const envMaxLen = 32*4096 - 1

// unexportable says why KEY=VALUE cannot be in a program's environment,
// or "".
func unexportable(k, v string) string {
	switch {
	case strings.ContainsRune(v, 0):
		return "its value holds a NUL byte"
	case len(k)+1+len(v) > envMaxLen:
		return fmt.Sprintf("its value is %d bytes, more than an environment variable may hold", len(v))
	}
	return ""
}

// EnvWarning is a key of a .env file that is surely a typo of a config
// key: it reaches modules' environment under its own name, and the config
// key keeps its value.
type EnvWarning struct {
	File string
	Line int
	Key  string
	// Near is the config key it resembles.
	Near string
}

func (w EnvWarning) String() string {
	return fmt.Sprintf("%s:%d: %s is not a config key of this pipeline: did you mean %s? (it is passed to modules' environment as %s; config.%s keeps its value)",
		w.File, w.Line, w.Key, w.Near, w.Key, w.Near)
}

// EnvFileExtras reads src's .env files (the dotenv files, then EnvFile)
// and returns their keys that p's config does not declare and
// src.Environ does not set (layer 2 above), a later file's value winning,
// for Options.Env, with a warning for each key one or two edits away from
// a declared key no file sets: that is surely a typo. Other undeclared
// keys are the modules' own settings and pass silently.
func EnvFileExtras(p *schema.Pipeline, src ConfigSources) (map[string]string, []EnvWarning, error) {
	files, err := src.envFiles()
	if err != nil || len(files) == 0 {
		return nil, nil, dotEnvProblem(p, err)
	}
	declared := p.ConfigKeys()
	setByAny := func(key string) bool {
		for _, f := range files {
			if _, set := f.keys[key]; set {
				return true
			}
		}
		return false
	}
	var extras map[string]string
	var warnings []EnvWarning
	for _, f := range files {
		var inFile []EnvWarning
		for key, v := range f.keys {
			if slices.Contains(declared, key) {
				continue
			}
			if near := typoOf(key, declared); near != "" && !setByAny(near) {
				inFile = append(inFile, EnvWarning{File: f.path, Line: lineOf(f.data, key), Key: key, Near: near})
			}
			if src.Environ != nil {
				if _, set := src.Environ(key); set {
					continue
				}
			}
			if extras == nil {
				extras = make(map[string]string)
			}
			extras[key] = v // a later file's wins
		}
		// Each file's warnings by line, the files in the order they apply.
		slices.SortFunc(inFile, func(a, b EnvWarning) int { return a.Line - b.Line })
		warnings = append(warnings, inFile...)
	}
	return extras, warnings, nil
}

// typoOf returns the declared key that key is surely a misspelling of:
// at most two edits away, and one edit per five letters of it. Keys of
// four letters or fewer have too many real neighbours (DATE, DATA) to
// tell.
func typoOf(key string, declared []string) string {
	best, bestDist := "", 3
	for _, d := range declared {
		dist := schema.EditDistance(key, d, 2)
		if dist*5 <= len(d) && dist < bestDist {
			best, bestDist = d, dist
		}
	}
	return best
}

// inputTypo returns the declared input that key, an extra input of a
// module that takes any, is surely a misspelling of: typoOf's, or one
// edit from an input of three letters or more (envv for env; data is
// not dir).
func inputTypo(key string, inputs []string) string {
	if s := typoOf(key, inputs); s != "" {
		return s
	}
	for _, in := range inputs {
		if len(in) >= 3 && schema.EditDistance(key, in, 1) == 1 {
			return in
		}
	}
	return ""
}

// lineOf returns the line of data where key is set, the last one when it
// is set more than once (it wins); 0 when not found.
func lineOf(data []byte, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	last := 0
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		if rest, ok := strings.CutPrefix(line, key); ok {
			if rest = strings.TrimSpace(rest); strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":") {
				last = n
			}
		}
	}
	return last
}

// withoutBOM drops the byte-order mark editors on Windows (Notepad) start
// a UTF-8 file with: it would be part of the first key.
func withoutBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) }

// maxEnvFile bounds a .env file (--config, dotenv): keys and values of
// config, of which one value may be as large as a node's outputs.
const maxEnvFile = 2 * modules.MaxValueBytes

// readEnvFile reads and parses a .env file (parseEnvFile) that flag
// (--config, dotenv) names; it returns the file's bytes too. Its errors
// wrap the file system's (a missing file is fs.ErrNotExist).
func readEnvFile(flag, path string) (map[string]string, []byte, error) {
	data, err := modules.ReadFile(path, maxEnvFile, flag)
	if errors.Is(err, modules.ErrNotRegular) || errors.Is(err, modules.ErrFileTooBig) {
		// /dev/zero was read until memory ran out, a FIFO waited for a
		// writer: neither heeded Ctrl-C.
		return nil, nil, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: reading %s %s: %w", ErrUsage, flag, path, err)
	}
	data = withoutBOM(data)
	file, err := parseEnvFile(flag+" "+path, data)
	return file, data, err
}

// parseEnvFile parses a .env file's data; name is how errors name the
// file (--config custom.env). Its error names the line that
// is wrong and never quotes the file: godotenv's own quotes the rest of
// the file from there, secrets and all.
//
// Values are literal: a $ is a $. godotenv replaces $NAME and ${NAME} in
// unquoted and double-quoted values by other keys of the file (and by ""
// when there is none, never from the environment), which cut a password
// such as pa$5word silently; it has no switch to turn that off, so every
// $ goes through it as a stand-in character and comes back after.
func parseEnvFile(name string, data []byte) (map[string]string, error) {
	data = withoutBOM(data)
	dollar, err := dollarStandIn(name, data)
	if err != nil {
		return nil, err
	}
	masked := maskDollars(data, []byte(dollar))
	file, err := godotenv.UnmarshalBytes(masked)
	if err == nil {
		for key, v := range file {
			file[key] = strings.ReplaceAll(v, dollar, "$")
		}
		return file, nil
	}
	const hint = "a line of a .env file is KEY=VALUE, a # comment, or blank"
	// godotenv's message quotes the masked text; the lines are the same.
	line, what := envErrorLine(masked, err.Error())
	if line == 0 {
		what = "not a .env file"
	}
	return nil, &EnvFileError{Name: name, Line: line, What: what, Hint: hint}
}

// maskDollars writes every $ of data as dollar. Outside single quotes,
// \$ is a $ too: it was the way to write one while godotenv expanded
// them, and a file written so keeps its values. Single-quoted values
// keep \$ as written, as they always did.
func maskDollars(data, dollar []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/8)
	for line := range bytes.Lines(data) {
		single := false
		if at := bytes.IndexAny(line, "=:"); at >= 0 { // KEY=VALUE, KEY: VALUE
			single = bytes.HasPrefix(bytes.TrimLeft(line[at+1:], " \t"), []byte("'"))
		}
		if !single {
			line = bytes.ReplaceAll(line, []byte(`\$`), []byte("$"))
		}
		out = append(out, bytes.ReplaceAll(line, []byte("$"), dollar)...)
	}
	return out
}

// privateUse are the Unicode ranges of private-use characters: no text
// means anything by them, and godotenv reads them as neither letters,
// digits nor spaces, as it reads $ outside a value.
var privateUse = [][2]rune{{0xE000, 0xF8FF}, {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD}}

// dollarStandIn returns a character data does not hold, to stand for $
// while godotenv parses it (parseEnvFile).
func dollarStandIn(name string, data []byte) (string, error) {
	for _, span := range privateUse {
		for r := span[0]; r <= span[1]; r++ {
			if !bytes.ContainsRune(data, r) {
				return string(r), nil
			}
		}
	}
	return "", fmt.Errorf("%w: %s: holds every private-use character of Unicode; pipe needs one free to read $ literally (remove some)", ErrUsage, name)
}

// envErrorLine finds the line of data that godotenv's error msg is about,
// and says what is wrong with it; 0 when the message is not one it knows.
// godotenv reads CRLF line ends as LF first, and its messages quote the
// text it read.
func envErrorLine(data []byte, msg string) (int, string) {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	at := -1
	what := ""
	if head, near, ok := strings.Cut(msg, " near "); ok && strings.HasPrefix(head, "unexpected character") {
		// near is the rest of the file from the bad character, quoted.
		if rest, err := strconv.Unquote(near); err == nil && bytes.HasSuffix(data, []byte(rest)) {
			at, what = len(data)-len(rest), "not KEY=VALUE"
		}
	} else if value, ok := strings.CutPrefix(msg, "unterminated quoted value "); ok {
		// value is the line from the opening quote on; no quote closes
		// it to the end of the file, so it is the last such line.
		at, what = lastLineEnding(data, []byte(value)), "a quoted value that does not end"
	}
	if at < 0 {
		return 0, ""
	}
	return 1 + bytes.Count(data[:at], []byte("\n")), what
}

// lastLineEnding returns where the last occurrence of end in data that
// ends a line (or the file) starts; -1 when there is none.
func lastLineEnding(data, end []byte) int {
	if len(end) == 0 {
		return -1
	}
	for i := len(data); i >= 0; {
		at := bytes.LastIndex(data[:i], end)
		if at < 0 {
			return -1
		}
		if next := at + len(end); next == len(data) || data[next] == '\n' {
			return at
		}
		i = at + len(end) - 1
	}
	return -1
}
