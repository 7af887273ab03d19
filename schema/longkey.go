package schema

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// MaxKeyRunes is the longest key YAML reads without `?`: a simple key's
// `:` must come within 1024 characters of its start (YAML 1.2, 7.4.2), and
// yaml.v3 says only "mapping values are not allowed in this context" of
// a longer one, at the key's line and column 1.
const MaxKeyRunes = 1024

// longKeyPos finds the first key of the file longer than MaxKeyRunes: its
// position and length in runes, counted as YAML counts them, from the key's
// first character to its `:`. Only lines long enough to hold one are read.
func longKeyPos(data []byte) (Pos, int, bool) {
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) <= MaxKeyRunes {
			continue
		}
		if col, n, ok := longKeyInLine(line); ok {
			return Pos{Line: lineNo, Col: col}, n, true
		}
	}
	return Pos{}, 0, false
}

// longKeyInLine finds a key over MaxKeyRunes in one line: one that starts
// after the indent and any `- `, after a flow mapping's `{` or `,`, or
// after another key's `:`. It returns the key's column and its length in
// runes. One pass: a line of a million commas costs a million steps.
func longKeyInLine(line []byte) (col, length int, ok bool) {
	start := keyStart(line, 0)
	for i := start; i < len(line); i++ {
		switch c := line[i]; {
		case (c == '"' || c == '\'') && i == start:
			i = closingQuote(line, i)
		case c == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t'):
			return 0, 0, false // a comment to the end of the line
		case c == '{' || c == ',' || c == '[':
			start = keyStart(line, i+1)
			i = start - 1
		case c == ':' && (i+1 == len(line) || endsKey(line[i+1])):
			if n := utf8.RuneCount(line[start:i]); n > MaxKeyRunes {
				return 1 + utf8.RuneCount(line[:start]), n, true
			}
			start = keyStart(line, i+1)
			i = start - 1
		}
	}
	return 0, 0, false
}

// endsKey reports whether c after a `:` makes it a key's end.
func endsKey(c byte) bool { return c == ' ' || c == '\t' || c == ',' || c == '}' || c == ']' }

// keyStart skips spaces and sequence dashes from i.
func keyStart(line []byte, i int) int {
	for i < len(line) {
		switch {
		case line[i] == ' ' || line[i] == '\t':
			i++
		case line[i] == '-' && (i+1 == len(line) || line[i+1] == ' '):
			i++
		default:
			return i
		}
	}
	return i
}

// closingQuote returns the offset of the quote that closes the one at
// open, or the line's last offset when none does.
func closingQuote(line []byte, open int) int {
	q := line[open]
	for i := open + 1; i < len(line); i++ {
		switch {
		case q == '"' && line[i] == '\\':
			i++ // an escape: \" does not close
		case line[i] == q && q == '\'' && i+1 < len(line) && line[i+1] == '\'':
			i++ // '' is a quote inside single quotes
		case line[i] == q:
			return i
		}
	}
	return len(line) - 1
}

// longKeyError reports a key over MaxKeyRunes when it is what yaml.v3
// failed on (yaml.v3 said msg at line, 0 for none).
func (l *loader) longKeyError(line int, msg string) bool {
	if msg != "mapping values are not allowed in this context" && msg != "did not find expected ',' or '}'" {
		return false
	}
	pos, n, ok := longKeyPos(l.src.Data)
	if !ok || (line != 0 && line != pos.Line) {
		return false
	}
	l.errorf(pos, fmt.Sprintf("shorten the key to %d characters or fewer (YAML's bound on a key; a long text belongs in a value)", MaxKeyRunes),
		"YAML syntax error: a key of %d characters: YAML reads a key of at most %d", n, MaxKeyRunes)
	return true
}
