package schema

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds what Load reads, so that a huge or endless file ends
// with an error instead of exhausting memory.
const MaxFileSize = 64 << 20

// MaxIDLen bounds a node id: an id names its node's log file, and its
// instances' (id[key], keys of up to 40 bytes), under the 255 bytes a file
// name may have.
const MaxIDLen = 128

// IsIdentifier reports whether s can name a node or a config key: it must be
// usable as `nodes.<id>` and `config.<KEY>` in expressions.
// ([A-Za-z_][A-Za-z0-9_]*). A loop, not a regexp: it runs for every node
// of every compile.
func IsIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Load reads and decodes the pipeline file at path. A problem with the file
// is returned as Diagnostics (every problem found, sorted); a problem
// reading it as an *os.PathError.
//
// Path "-" (Stdin) reads standard input, named <stdin>. A pipeline read
// from standard input, a pipe, a device or a descriptor's file (/dev/fd/N,
// /proc/...) is a stream (Source.Stream): no directory holds it.
func Load(path string) (*Pipeline, error) {
	f, name := os.Stdin, StdinName
	if path != Stdin {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, err
		}
		defer f.Close()
		name = path
	}
	p, err := load(f, name)
	if p != nil && p.Source != nil {
		p.Source.Stream = isStream(f, path)
	}
	return p, err
}

// load reads and decodes the pipeline in f, called path.
func load(f *os.File, path string) (*Pipeline, error) {
	var data []byte
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > MaxFileSize {
			// Too big: its start is enough to say so, with a snippet.
			data, err = io.ReadAll(io.LimitReader(f, 64<<10))
			if err == nil {
				src := NewSource(path, data)
				return nil, Diagnostics{tooBig(src)}
			}
			data = nil
		}
	}
	if data == nil {
		if fi, serr := f.Stat(); serr == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			data = make([]byte, fi.Size()+1) // one allocation, not ReadAll's doublings
		}
	}
	if data == nil {
		// A pipe or a device: room for the most that is read, of which
		// only the pages written take memory.
		data = make([]byte, MaxFileSize+1)
	}
	n, err := io.ReadFull(f, data)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil // shorter than the room: the whole file
	} else if err == nil && n < MaxFileSize+1 {
		// Full: the file grew since its size was read. Read on.
		buf := bytes.NewBuffer(data)
		_, err = buf.ReadFrom(io.LimitReader(f, int64(MaxFileSize+1-n)))
		data, n = buf.Bytes(), buf.Len()
	}
	data = data[:n]
	if err != nil {
		if fi, serr := f.Stat(); serr == nil && fi.IsDir() {
			err = errors.New("is a directory: name a pipeline file")
		}
		return nil, &os.PathError{Op: "read", Path: path, Err: err}
	}
	p, diags := Parse(path, data)
	if len(diags) > 0 {
		return p, diags
	}
	return p, nil
}

// Parse decodes a pipeline from data read from the file called name. It
// returns every problem it finds, sorted by position; the pipeline is
// returned even then, as far as it could be read.
func Parse(name string, data []byte) (*Pipeline, Diagnostics) {
	src := NewSource(name, data)
	l := &loader{src: src, p: &Pipeline{Source: src}}
	l.parse()
	l.maskSnippets()
	l.diags.Sort()
	return l.p, l.diags
}

type loader struct {
	src   *Source
	p     *Pipeline
	diags Diagnostics
	// budget bounds how many YAML nodes the walk visits, so that aliases
	// that expand exponentially end with an error.
	budget int
	// overBudget is set once the budget's end has been reported.
	overBudget bool
	// nodesAt is the file's `nodes:` mapping, once read.
	nodesAt *yaml.Node
	// combos counts the combinations of the file's matrices so far.
	combos int
	// tagged counts the values refused for a tag of the user's (see
	// customTag): a node's inputs read with one are not checked further.
	tagged int
}

func (l *loader) errorf(pos Pos, hint, format string, args ...any) {
	l.diags = append(l.diags, l.src.Diag(pos, hint, format, args...))
}

// tooBig is the diagnostic of a file over MaxFileSize.
func tooBig(src *Source) *Diagnostic {
	return src.Diag(Pos{Line: 1, Col: 1}, "split the pipeline into smaller files", "file is larger than %d MiB", MaxFileSize>>20)
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

func (l *loader) parse() {
	data := l.src.Data
	if len(data) > MaxFileSize {
		l.diags = append(l.diags, tooBig(l.src))
		return
	}
	if !utf8.Valid(data) {
		l.errorf(l.offsetPos(firstInvalidUTF8(data)), "pipeline files are UTF-8 text", "file is not valid UTF-8")
		return
	}
	if i := firstForbiddenControl(data); i >= 0 {
		l.errorf(l.offsetPos(i), "pipeline files are text; is this the right file?", "control character %U is not allowed in YAML", rune(data[i]))
		return
	}
	if len(bytes.TrimSpace(data)) == 0 {
		l.errorf(Pos{Line: 1, Col: 1}, "start from the example in the README: a `nodes:` mapping of node ids", "file is empty: a pipeline needs at least one node under `nodes`")
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) { // only comments
			l.errorf(Pos{Line: 1, Col: 1}, "add a `nodes:` mapping of node id to node", "file is empty: a pipeline needs at least one node under `nodes`")
			return
		}
		l.syntaxError(err)
		return
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		l.errorf(posOf(&extra), "keep one pipeline per file", "file holds more than one YAML document")
	} else if !errors.Is(err, io.EOF) {
		l.syntaxError(err)
		return
	}
	l.budget = 64*bytes.Count(data, []byte("\n")) + 100_000
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			l.errorf(Pos{Line: 1, Col: 1}, "add a `nodes:` mapping", "file is empty: a pipeline needs at least one node under `nodes`")
			return
		}
		root = root.Content[0]
	}
	root = l.resolve(root)
	if root == nil {
		return
	}
	if root.Kind != yaml.MappingNode {
		l.errorf(posOf(root), "a pipeline file is a mapping with `name`, `config` and `nodes`", "top level must be a mapping, not %s", kindName(root))
		return
	}
	l.pipeline(root)
}

// forbiddenControl marks the bytes of the control characters YAML refuses
// (all but tab, line feed and carriage return, and DEL).
var forbiddenControl = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\n' && c != '\r' && c != '\t'
	}
	t[0x7f] = true
	return t
}()

// firstForbiddenControl returns the offset of the first forbidden control
// character in data, -1 if none. It reads bytes, not runes: every one of
// those characters is ASCII, and in UTF-8 an ASCII byte is never part of
// a longer character (a 100,000-node file's scan by runes cost 2% of its
// load).
func firstForbiddenControl(data []byte) int {
	for i, c := range data {
		if forbiddenControl[c] {
			return i
		}
	}
	return -1
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return 0
}

func (l *loader) offsetPos(off int) Pos {
	line := 1 + bytes.Count(l.src.Data[:off], []byte("\n"))
	start := bytes.LastIndexByte(l.src.Data[:off], '\n') + 1
	return Pos{Line: line, Col: 1 + utf8.RuneCount(l.src.Data[start:off])}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!bool":
			return "a bool"
		case "!!int":
			return "an int"
		case "!!float":
			return "a number"
		}
		return "a string"
	}
	return "an alias"
}

// unknownKey reports a key that is not one of known. A key of another
// tool, found in foreign, gets pipe's way of writing it (with v, the value
// written under it); any other a "did you mean" or the keys there are.
func (l *loader) unknownKey(k, v *yaml.Node, where string, known []string, foreign map[string]foreignKey) {
	hint := ""
	if fk, ok := foreign[k.Value]; ok {
		hint = fk.hint(v)
	} else {
		hint = DidYouMean(k.Value, known)
	}
	if hint == "" {
		hint = "known keys: " + strings.Join(known, ", ")
	}
	l.errorf(posOf(k), hint, "unknown key %s in %s", Quote(k.Value), where)
}
