package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Expressions in a string written otherwise than it reads (escapes, a
// folded or literal block, a plain string over lines) are positioned
// where the file has them, through the template's marks.
func TestTemplateMarks(t *testing.T) {
	src := "nodes:\n" +
		"  a: {module: echo, with: {m: \"é \\\"q\\\" ${{ x }} and ${{ y }}\"}}\n" +
		"  b:\n    module: echo\n    with:\n      m: |\n        one\n        two ${{ z }}\n"
	p, diags := Parse("m.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	tests := []struct {
		node, expr string
		want       Pos
	}{
		{"a", "${{ x }}", Pos{Line: 2, Col: 40}},
		{"a", "${{ y }}", Pos{Line: 2, Col: 53}},
		{"b", "${{ z }}", Pos{Line: 8, Col: 13}},
	}
	for _, tc := range tests {
		var tpl *Template
		for _, n := range p.Nodes {
			if n.ID == tc.node {
				tpl = &n.With[0].Templates[0]
			}
		}
		if tpl == nil {
			t.Fatalf("node %s has no template", tc.node)
		}
		off := strings.Index(tpl.Text, tc.expr)
		if got := tpl.PosAt(off); got != tc.want {
			t.Errorf("%s %s at %v, want %v (marks %v)", tc.node, tc.expr, got, tc.want, tpl.Marks)
		}
		line := strings.Split(src, "\n")[tc.want.Line-1]
		if r := []rune(line); !strings.HasPrefix(string(r[tc.want.Col-1:]), tc.expr) {
			t.Errorf("%s: line %d col %d is not at %s: %q", tc.node, tc.want.Line, tc.want.Col, tc.expr, line)
		}
	}
}

// A file over MaxFileSize is an error at 1:1 with a snippet, whether it is
// a regular file (its size says so: it is not read whole) or a stream.
func TestLoadRefusesAFileTooBig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("name: big\n")
	if err := f.Truncate(MaxFileSize + 1); err != nil { // sparse: no disk
		t.Fatal(err)
	}
	f.Close()
	_, err = Load(path)
	var diags Diagnostics
	if !errors.As(err, &diags) || len(diags) != 1 || !strings.Contains(diags[0].Message, "larger than 64 MiB") || diags[0].Snippet == "" {
		t.Fatalf("Load = %v, want one diagnostic that the file is too big, with a snippet", err)
	}
	if _, err := Load("/dev/zero"); !errors.As(err, &diags) || !strings.Contains(diags[0].Message, "larger than 64 MiB") {
		t.Errorf("Load(/dev/zero) = %v, want the file too big", err)
	}
}

// The snippet of a position on a huge line shows a window around it, with
// the caret under it.
func TestSnippetOfAHugeLine(t *testing.T) {
	line := strings.Repeat("a", 1<<20) + "XYZ" + strings.Repeat("b", 1<<20)
	src := NewSource("x.yaml", []byte("k: v\n"+line+"\n"))
	d := src.Diag(Pos{Line: 2, Col: 1<<20 + 1}, "", "here")
	text, caret, _ := strings.Cut(d.Snippet, "\n")
	at := strings.Index(caret, "^") - strings.Index(caret, "|") // the caret's column in the text after "| "
	bar := strings.Index(text, "|")
	if len(text) > 300 || !strings.Contains(text, "XYZ") || text[bar+at:bar+at+3] != "XYZ" {
		t.Errorf("snippet %q\n%q: want a short window with the caret under XYZ", text, caret)
	}
}
