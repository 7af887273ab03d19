package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// TestEveryDiagnosticIsPositioned holds each bad pipeline to the rule that
// every message names where: file:line:col, never the file alone.
func TestEveryDiagnosticIsPositioned(t *testing.T) {
	files, _ := filepath.Glob("../testdata/bad/*.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = engine.Parse(file, data, modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error is %T, want schema.Diagnostics: %v", err, err)
			}
			for _, d := range diags {
				if d.Line < 1 || d.Col < 1 {
					t.Errorf("no line:col: %s", d.Error())
				}
			}
		})
	}
}

// An expression that fails at run time (an index out of range, a type the
// file could not know) is placed in the file too: the reason reads
// file:line:col at the part that failed, as a validate error would.
func TestRunTimeErrorsArePlaced(t *testing.T) {
	src := `name: rt
nodes:
  a: {module: echo, with: {l: [1, 2], s: "x", m: {k: 1}, z: null}}
  b:
    module: echo
    needs: a
    with: {v: "value ${{ nodes.a.outputs.l[5] }}"}
  c:
    module: echo
    needs: a
    when: "nodes.a.outputs.s > 3"
  d:
    module: echo
    needs: a
    foreach: "${{ nodes.a.outputs.l[7] }}"
  e: {module: wait, needs: a, with: {duration: "${{ nodes.a.outputs.s }}"}}
  f: {module: echo, needs: a, with: {m: "é \"q\" ${{ nodes.a.outputs.l[9] }}"}}
  g:
    module: echo
    needs: a
    with:
      x: "${{ nodes.a.outputs.l[5] }}"
      y: "${{ nodes.a.outputs.l[5] }}"
  h: {module: echo, needs: a, foreach: "${{ nodes.a.outputs.s }}"}
  i: {module: echo, needs: a, with: {n: "${{ sum(nodes.a.outputs.z) }}"}}
  j: {module: echo, needs: a, with: {n: "${{ sum(nodes.a.outputs.m) }}"}}
  k: {module: echo, needs: a, with: {n: "${{ len(1..(nodes.a.outputs.m.k * 3000000)) }}"}}
  l: {module: echo, needs: a, with: {n: "${{ sum(nodes.a.outputs.nope) }}"}}
`
	plan, err := engine.Parse("rt.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for node, want := range map[string]string{
		"b": "rt.yaml:7:43: input v: ${{ nodes.a.outputs.l[5] }}: index 5 is out of range: the list has 2 items",
		"c": "rt.yaml:11:30: when: nodes.a.outputs.s > 3: > cannot take a string and a number",
		"d": "rt.yaml:15:36: foreach: ${{ nodes.a.outputs.l[7] }}: index 7 is out of range: the list has 2 items",
		"e": `rt.yaml:16:38: input duration: "x" is not a duration`,
		"f": "rt.yaml:17:71: input m: ${{ nodes.a.outputs.l[9] }}: index 9 is out of range: the list has 2 items",
		// The same text in two inputs is one compiled template: each is
		// placed in its own.
		"g": "rt.yaml:22:32: input x: ${{ nodes.a.outputs.l[5] }}: index 5 is out of range: the list has 2 items",
		"h": "rt.yaml:24:44: foreach gave a string, not a list or a map",
		// expr's builtins fail on null inside reflect: the reason says so.
		"i": "rt.yaml:25:46: input n: ${{ sum(nodes.a.outputs.z) }}: sum was given null",
		"j": "rt.yaml:26:46: input n: ${{ sum(nodes.a.outputs.m) }}: sum was given a map, not a list",
		// expr's bound on what one evaluation builds.
		"k": "rt.yaml:27:51: input n: ${{ len(1..(nodes.a.outputs.m.k * 3000000)) }}: the expression builds too large a value (more than two million items, counting those it makes along the way)",
		// An output a did not give: at its name, before sum sees null.
		"l": "rt.yaml:28:66: input n: ${{ sum(nodes.a.outputs.nope) }}: a gave no output nope (it gave outputs l, m, s, z)",
	} {
		if got := rec.Nodes[node].Reason; !strings.HasPrefix(got, want) {
			t.Errorf("%s: reason %q, want it to start %q", node, got, want)
		}
	}
}
