package engine_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// goLeak matches what of Go a message of an expression must not show:
// pipe's and reflect's type names, the struct config compiles to, Go's
// names of lists, maps and numbers.
var goLeak = regexp.MustCompile(`engine\.|reflect|struct ?\{|interface ?\{|\[\]|map\[|float64|int64|\bint\((string|bool|float64|interface)|bool\(|mismatched|invalid operation`)

// exprPipeline is a pipeline whose node b reads a, with expression x as
// its `when` (when is set) or as a template inside a string input.
func exprPipeline(x string, when bool) string {
	use := fmt.Sprintf("with: {v: \"x ${{ %s }}\"}", x)
	if when {
		use = fmt.Sprintf("when: %q", x)
	}
	return `name: msgs
config:
  E: "yes"
  N: 3
  L:
  FLAG: false
nodes:
  a:
    module: echo
    with: {m: {k: 1}, l: [1, 2], n: 3, s: "yes", f: true}
    outputs: {m: map, l: list, n: int, s: string, f: bool}
  each: {module: echo, foreach: [1, 2]}
  b:
    module: echo
    needs: [a, each]
    ` + use + "\n"
}

// Expressions that cannot work are told in users' words at validate,
// at the part that is wrong: config, pipeline, run and nodes are not
// values; a when says what it is given; no Go type is named.
func TestExprCompileMessages(t *testing.T) {
	for _, tc := range []struct {
		x         string
		when      bool
		col       int // of the error, in the line of x (when: "x" or v: "x ${{ x }}")
		msg, hint string
	}{
		{x: "pipeline.nmae", col: 9, msg: `pipeline has no field "nmae"`, hint: `did you mean "name"?`},
		{x: "pipeline.Name", col: 9, msg: `pipeline has no field "Name"`, hint: `did you mean "name"?`},
		{x: "pipeline.zzz", col: 9, msg: `pipeline has no field "zzz"`, hint: "pipeline has name, description and file"},
		{x: "run.idd", col: 4, msg: `run has no field "idd"`, hint: `did you mean "id"?`},
		{x: "nodes.each.items[0].nope", col: 20, msg: `an instance has no field "nope"`, hint: "an instance has key, index, item, status, message and outputs"},
		{x: "!config", when: true, col: 0, msg: "config is the set of config values, not a value: it must be followed by .KEY", hint: "write config.KEY: config has E, N, L, FLAG and ENABLE_DANGEROUS_AI"},
		{x: "config", when: true, col: 0, msg: "config is the set of config values, not a value: it must be followed by .KEY"},
		{x: "config + 1", col: 7, msg: "config is the set of config values, not a value: it must be followed by .KEY"},
		{x: "config.FLAG && !pipeline", when: true, col: 15, msg: "pipeline is not a value: read one of its fields", hint: "pipeline has name, description and file"},
		{x: "run", when: true, col: 0, msg: "run is not a value: read one of its fields", hint: "run has id"},
		{x: "nodes.a + 1", col: 8, msg: "a node is not a value: read one of its fields"},
		{x: "nodes", when: true, col: 0, msg: "nodes is the set of nodes, not a value"},
		{x: "pipeline[0]", col: 8, msg: "pipeline cannot be indexed"},
		{x: "config.E[0]", col: 8, msg: "a string cannot be indexed here", hint: `take a part of it with s[0:1], or split it into a list: split(s, ",")`},
		{x: "config.N % 2.5", col: 9, msg: "% takes whole numbers: write int(x) % 2 for one with a fraction"},
		{x: "config.E", when: true, col: 0, msg: "when must be true or false, and config.E is a string", hint: `E is the string "yes" (YAML 1.2 has no yes/no booleans): write true, or test config.E == "yes"`},
		{x: "config.N", when: true, col: 0, msg: "when must be true or false, and config.N is a number", hint: "test it: config.N > 0"},
		{x: "config.N * 2", when: true, col: 0, msg: "when must be true or false, and config.N * 2 is a number", hint: "test it: (config.N * 2) > 0"},
		{x: "nodes.each.items", when: true, col: 0, msg: "when must be true or false, and nodes.each.items is a list", hint: "test it: len(nodes.each.items) > 0"},
		{x: "success", when: true, col: 0, msg: "when must be true or false, and success is a function", hint: "call it: success()"},
		{x: "!config.E", when: true, col: 0, msg: "! takes true or false, not a string"},
		{x: "config.E && config.FLAG", when: true, col: 9, msg: "&& takes true or false on each side, not a string and a bool"},
		{x: "config.N ? 1 : 2", col: 7, msg: "a condition (? :) must be true or false, not a number"},
		{x: "config.N.x", col: 9, msg: `a number has no field "x"`},
		{x: "pipeline.name.first", col: 14, msg: `a string has no field "first"`},
		{x: "nodes.each.items.x", col: 17, msg: `a list has no field "x"`},
		{x: "config.N[0]", col: 8, msg: "a number cannot be indexed"},
		{x: "{'a': 1}[0]", col: 9, msg: "a map is indexed by a key (a string), not a number"},
		{x: "len(config.N)", col: 0, msg: "len takes a list, a map or a string, not a number"},
		{x: "upper(config.N)", col: 13, msg: "upper takes a string, not a number"},
		{x: "config.N + config.E", col: 9, msg: "+ cannot take a number and a string"},
		{x: "-config.E", col: 0, msg: "- takes a number, not a string"},
		{x: "config.E()", col: 7, msg: "a string is not a function"},
		{x: "'x' - nodes.a.outputs.n", col: 4, msg: "- cannot take a string"},
	} {
		t.Run(tc.x, func(t *testing.T) {
			_, err := engine.Parse("m.yaml", []byte(exprPipeline(tc.x, tc.when)), modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) || len(diags) == 0 {
				t.Fatalf("no diagnostics: %v", err)
			}
			d := diags[0]
			start := 12 // when: "x: the x is at column 12
			if !tc.when {
				start = 22 // with: {v: "x ${{ x
			}
			if d.Message != tc.msg || d.Line != 16 || d.Col != start+tc.col {
				t.Errorf("got %d:%d: %s\nwant %d:%d: %s", d.Line, d.Col, d.Message, 16, start+tc.col, tc.msg)
			}
			if tc.hint != "" && d.Hint != tc.hint {
				t.Errorf("hint %q, want %q", d.Hint, tc.hint)
			}
			for _, d := range diags {
				if goLeak.MatchString(d.Message + " " + d.Hint) {
					t.Errorf("Go leaks into %q (hint %q)", d.Message, d.Hint)
				}
			}
		})
	}
}

// Expressions whose values are known only as the run goes fail the node
// with a reason in users' words, at the part that failed.
func TestExprRunMessages(t *testing.T) {
	for _, tc := range []struct {
		x    string
		when bool
		col  int
		msg  string
	}{
		// The outputs of an echo with no promise are of any type: only
		// the run can tell.
		{x: "nodes.a.outputs.s", when: true, msg: `when: nodes.a.outputs.s: must be true or false, not a string ("yes")`},
		{x: "nodes.a.outputs.n", when: true, msg: "when: nodes.a.outputs.n: must be true or false, not a number (3)"},
		{x: "nodes.a.outputs.l", when: true, msg: "when: nodes.a.outputs.l: must be true or false, not a list (of 2)"},
		{x: "nodes.a.outputs.m[0]", col: 17, msg: "${{ nodes.a.outputs.m[0] }}: a map is indexed by a key (a string), not a number"},
		{x: "nodes.a.outputs.l.home", col: 18, msg: `${{ nodes.a.outputs.l.home }}: a list has no field "home"`},
		{x: "nodes.a.outputs.l['home']", col: 17, msg: "${{ nodes.a.outputs.l['home'] }}: a list is indexed by a number, not a string"},
		{x: "nodes.a.outputs.l[5]", col: 17, msg: "${{ nodes.a.outputs.l[5] }}: index 5 is out of range: the list has 2 items"},
		{x: "len(nodes.a.outputs.n)", col: 0, msg: "${{ len(nodes.a.outputs.n) }}: len takes a list, a map or a string, not a number"},
		{x: "nodes.a.outputs.n[0]", col: 17, msg: "${{ nodes.a.outputs.n[0] }}: a number cannot be indexed"},
		{x: "nodes.a.outputs.m.k.y", col: 20, msg: `${{ nodes.a.outputs.m.k.y }}: a number has no field "y"`},
		{x: "nodes.a.outputs.l + nodes.a.outputs.m", col: 18, msg: "${{ nodes.a.outputs.l + nodes.a.outputs.m }}: + cannot take a list and a map"},
		{x: "nodes.a.outputs.n - nodes.a.outputs.s", col: 18, msg: "${{ nodes.a.outputs.n - nodes.a.outputs.s }}: - cannot take a number and a string"},
		{x: "upper(nodes.a.outputs.n)", col: 0, msg: "${{ upper(nodes.a.outputs.n) }}: upper takes a string, not a number"},
		{x: "!nodes.a.outputs.s", when: true, col: 0, msg: "when: !nodes.a.outputs.s: ! takes true or false, not a string"},
		{x: "filter(nodes.a.outputs.n, # > 1)", col: 0, msg: "${{ filter(nodes.a.outputs.n, # > 1) }}: filter was given a number, not a list"},
		{x: "nodes.a.outputs.m.k()", col: 18, msg: "${{ nodes.a.outputs.m.k() }}: a number is not a function"},
	} {
		t.Run(tc.x, func(t *testing.T) {
			src := strings.Replace(exprPipeline(tc.x, tc.when), "    outputs: {m: map, l: list, n: int, s: string, f: bool}\n", "", 1)
			plan, err := engine.Parse("m.yaml", []byte(src), modules.Default)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			start, what := 12, ""
			if !tc.when {
				start, what = 22, "input v: "
			}
			want := fmt.Sprintf("m.yaml:15:%d: %s%s", start+tc.col, what, tc.msg)
			got := rec.Nodes["b"].Reason
			if got != want {
				t.Errorf("reason\n%s\nwant\n%s", got, want)
			}
			if goLeak.MatchString(got) {
				t.Errorf("Go leaks into %q", got)
			}
		})
	}
}
