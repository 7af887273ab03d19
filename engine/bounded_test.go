package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// Builtins that multiply text refuse a result over the value limit: the
// node fails with a message, instead of pipe dying of out-of-memory.
func TestExpressionsCannotMakeHugeText(t *testing.T) {
	tm := newTestModules(t)
	big := strings.Repeat("x", 3<<20)
	tm.reg.Register(modules.Info{Name: "big", Description: "outputs 3 MiB of text",
		New: func() modules.Module {
			return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
				return &modules.Output{Values: map[string]any{"data": big}}, nil
			})
		}})
	// toJSON indents a list nested 3,000 deep into 9 MB.
	deep := strings.Repeat("[", 3000) + "1" + strings.Repeat("]", 3000)
	rec := tm.run(t, `
nodes:
  p: {module: big}
  deep: {module: echo, with: {v: `+deep+`}}
  json: {module: echo, needs: deep, with: {m: "${{ len(toJSON(nodes.deep.outputs.v)) }}"}}
  base64: {module: echo, needs: p, with: {m: "${{ len(toBase64(toBase64(nodes.p.outputs.data))) }}"}}
  rep: {module: echo, needs: p, with: {m: "${{ repeat(nodes.p.outputs.data, 1000) }}"}}
  joined: {module: echo, needs: p, with: {m: "${{ join(map(1..1000, nodes.p.outputs.data), ',') }}"}}
  replaced: {module: echo, needs: p, with: {m: "${{ replace(nodes.p.outputs.data, 'x', 'yyyy') }}"}}
  added: {module: echo, needs: p, with: {m: "${{ nodes.p.outputs.data + nodes.p.outputs.data }}"}}
  small:
    module: echo
    with:
      r: "${{ repeat('ab', 3) }}"
      j: "${{ join(['a', 'b'], '-') }}"
      j2: "${{ join(['a', 'b']) }}"
      p: "${{ replace('a.b', '.', '::') }}"
      c: "${{ 'a' + 'b' }}"
      n: "${{ 1 + 2 }}"
      js: "${{ toJSON({'a': [1, {}, [], [2.5]], 'b': 'x<y', 'c': {'d': nil}}) }}"
      b: "${{ toBase64('hi') }}"
`, engine.Options{})
	check(t, rec, engine.StatusError, map[string]want{
		"rep":      {engine.StatusError, ""},
		"joined":   {engine.StatusError, ""},
		"replaced": {engine.StatusError, ""},
		"added":    {engine.StatusError, ""},
		"json":     {engine.StatusError, ""},
		"base64":   {engine.StatusError, ""},
		"small":    {engine.StatusSuccess, ""},
	})
	for _, id := range []string{"rep", "joined", "replaced", "added", "json", "base64"} {
		if m := rec.Nodes[id].Message; !strings.Contains(m, "over the 4 MiB limit for values") {
			t.Errorf("%s: message %q", id, m)
		}
	}
	js, _ := json.MarshalIndent(map[string]any{"a": []any{1, map[string]any{}, []any{}, []any{2.5}}, "b": "x<y", "c": map[string]any{"d": nil}}, "", "  ")
	want := map[string]any{"r": "ababab", "j": "a-b", "j2": "ab", "p": "a::b", "c": "ab", "n": 3, "js": string(js), "b": "aGk="}
	for k, v := range want {
		if got := rec.Nodes["small"].Outputs[k]; got != v {
			t.Errorf("small.%s = %#v, want %#v", k, got, v)
		}
	}
}

// One evaluation may build a range of a million (a foreach's most
// instances) and a map over it; past that it says what it built.
func TestExpressionBudget(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
config: {N: 1000000}
nodes:
  million: {module: echo, with: {n: "${{ len(1..config.N) }}", m: "${{ len(map(1..config.N, # * 2)) }}"}}
  over: {module: echo, with: {n: "${{ len(1..(config.N * 3)) }}"}}
`, engine.Options{})
	if n := rec.Nodes["million"]; n.Status != engine.StatusSuccess || n.Outputs["n"] != 1000000 || n.Outputs["m"] != 1000000 {
		t.Errorf("million: %s (%s), outputs %v", n.Status, n.Message, n.Outputs)
	}
	if n := rec.Nodes["over"]; n.Status != engine.StatusError || !strings.Contains(n.Message, "more than two million items") {
		t.Errorf("over: %s (%s)", n.Status, n.Message)
	}
}
