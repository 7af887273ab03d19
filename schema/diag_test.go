package schema

import (
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
