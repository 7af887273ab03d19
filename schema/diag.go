package schema

import (
	"bytes"
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a pipeline file: 1-based line and column. The zero
// Pos means "no position" (for example a problem with the file as a whole).
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// IsValid reports whether p points somewhere in the file.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Diagnostic is one problem found in a pipeline file, positioned so that an
// editor can jump to it.
type Diagnostic struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it, when there is something to say.
	Hint string `json:"hint,omitempty"`
	// Snippet is the offending source line with a caret under the column.
	Snippet string `json:"snippet,omitempty"`
	// Severity is "" for an error, the file cannot run, or Warning for
	// something that runs but deserves a second look.
	Severity Severity `json:"severity,omitempty"`
}

// Severity grades a diagnostic. The zero value is an error.
type Severity string

// Warning marks a diagnostic that does not stop the file from running:
// `pipe validate` prints it and still exits 0.
const Warning Severity = "warning"

// IsWarning reports whether d does not stop the file from running.
func (d *Diagnostic) IsWarning() bool { return d.Severity == Warning }

// Error renders the diagnostic as `file:line:col: message`.
func (d *Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", d.Line, d.Col)
	}
	b.WriteString(": ")
	if d.IsWarning() {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Long renders the diagnostic with its snippet and hint, for terminals.
func (d *Diagnostic) Long() string {
	var b strings.Builder
	b.WriteString(d.Error())
	if d.Snippet != "" {
		b.WriteString("\n")
		b.WriteString(d.Snippet)
	}
	if d.Hint != "" {
		b.WriteString("\n    hint: ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// Diagnostics is every problem found in one or more files. As an error it
// reads one problem a line.
type Diagnostics []*Diagnostic

func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns ds as an error, or nil when there is no problem.
func (ds Diagnostics) Err() error {
	if len(ds) == 0 {
		return nil
	}
	return ds
}

// Sort orders the diagnostics by file, line and column, keeping the order
// of problems found at the same place.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b *Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// Source is a pipeline file's bytes, kept to position diagnostics and to cut
// snippets from.
type Source struct {
	Name string
	Data []byte
	// Stream is set for a pipeline read from standard input, a pipe, a
	// device or a descriptor's file (/dev/stdin, /dev/fd/N, /proc/...):
	// the directory its name is in is not one where relative paths
	// could resolve (see Dir).
	Stream bool
	lines  []int // offsets of line starts, built on first use
	// pipeline is the pipeline read from the source, once read: its
	// secret config keys' values are what snippets mask (secrets, found
	// on first use, longest first; see snippetmask.go).
	pipeline   *Pipeline
	secrets    *strings.Replacer // nil for none
	secretsSet bool
}

// NewSource wraps data read from the file called name.
func NewSource(name string, data []byte) *Source { return &Source{Name: name, Data: data} }

// Dir is the directory of the file the source was read from, which paths
// in it may be relative to; false for a pipeline that no directory holds:
// built in code (a name in parentheses), or a Stream.
func (s *Source) Dir() (string, bool) {
	if s == nil || s.Name == "" || s.Stream || strings.HasPrefix(s.Name, "(") {
		return "", false
	}
	return filepath.Dir(s.Name), true
}

// lineStarts returns the offsets of the lines' starts, found on first use.
func (s *Source) lineStarts() []int {
	if s.lines == nil {
		s.lines = []int{0}
		for i, c := range s.Data {
			if c == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	}
	return s.lines
}

// offset returns the byte offset in Data of pos (a line and a column in
// runes); -1 when pos is not in Data.
func (s *Source) offset(pos Pos) int {
	lines := s.lineStarts()
	if pos.Line < 1 || pos.Line > len(lines) || pos.Col < 1 {
		return -1
	}
	off := lines[pos.Line-1]
	for col := 1; col < pos.Col; col++ {
		if off >= len(s.Data) || s.Data[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(s.Data[off:])
		off += size
	}
	return off
}

// posOf returns the position (a line and a column in runes) of byte
// offset off in Data.
func (s *Source) posOf(off int) Pos {
	lines := s.lineStarts()
	line, _ := slices.BinarySearch(lines, off+1) // the lines that start at or before off
	return Pos{Line: line, Col: 1 + utf8.RuneCount(s.Data[lines[line-1]:off])}
}

// Line returns the text of the 1-based line n, without its newline.
func (s *Source) Line(n int) string {
	if s == nil {
		return ""
	}
	s.lineStarts()
	if n < 1 || n > len(s.lines) {
		return ""
	}
	start := s.lines[n-1]
	end := len(s.Data)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return string(bytes.TrimRight(s.Data[start:end], "\r"))
}

// window returns pos's line, or on a line longer than maxLineShown a
// part of it around pos, and pos's column in what it returns: a huge
// one-line file must not make copies of itself to show a few runes.
func (s *Source) window(pos Pos) (string, int) {
	col := max(pos.Col, 1)
	lines := s.lineStarts()
	if pos.Line < 1 || pos.Line > len(lines) {
		return "", col
	}
	start, end := lines[pos.Line-1], len(s.Data)
	if pos.Line < len(lines) {
		end = lines[pos.Line] - 1
	}
	if end-start <= maxLineShown {
		return s.Line(pos.Line), col
	}
	at := s.offset(pos)
	if at < 0 {
		at = start
	}
	from := max(start, at-maxLineShown/2)
	for from > start && !utf8.RuneStart(s.Data[from]) {
		from--
	}
	to := min(end, from+maxLineShown)
	col = 1 + utf8.RuneCount(s.Data[from:at])
	return string(bytes.TrimRight(s.Data[from:to], "\r")), col
}

// maxLineShown bounds the bytes of a line a snippet looks at.
const maxLineShown = 4 << 10

// Diag builds a diagnostic at pos with a snippet of the source.
func (s *Source) Diag(pos Pos, hint, format string, args ...any) *Diagnostic {
	// Messages quote what the user wrote; whatever quoted it, a huge value
	// must not make a huge message.
	msg := clipText(fmt.Sprintf(format, args...), maxMessage)
	d := &Diagnostic{File: s.Name, Line: pos.Line, Col: pos.Col, Message: msg, Hint: clipText(hint, maxMessage)}
	d.Snippet = s.snippet(pos)
	return d
}

const maxSnippet = 120

func (s *Source) snippet(pos Pos) string {
	if !pos.IsValid() {
		return ""
	}
	line, col := s.window(pos)
	if line == "" {
		return ""
	}
	line, col = s.masked(line, col)
	line = strings.Map(printable, strings.ToValidUTF8(line, "?"))
	// Keep long lines readable: show a window around the column.
	runes := []rune(line)
	start := 0
	if len(runes) > maxSnippet {
		start = max(0, min(col-1-maxSnippet/2, len(runes)-maxSnippet))
		runes = runes[start:min(len(runes), start+maxSnippet)]
	}
	caret := strings.Repeat(" ", max(0, col-1-start))
	for i, r := range runes {
		if r == '\t' && i < col-1-start {
			caret = caret[:i] + "\t" + caret[i+1:]
		}
	}
	return fmt.Sprintf("%5d | %s\n      | %s^", pos.Line, string(runes), caret)
}

// printable keeps snippets from writing control characters to a terminal.
func printable(r rune) rune {
	if r == '\t' || (r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0)) {
		return r
	}
	return '?'
}
