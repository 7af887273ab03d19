package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// keys(), values() and toPairs() list a map by key, every time: a run
// that reads keys(m)[0] takes the same branch each run (and a Temporal
// workflow the same on replay), and keys and values line up.
func TestMapBuiltinsAreOrdered(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("o.yaml", []byte(`
name: o
nodes:
  a: {module: echo, with: {m: {k3: 1, k1: 2, k2: 3, zz: 4, aa: 5}}}
  b:
    module: echo
    needs: a
    when: keys(nodes.a.outputs.m)[0] == "aa"
    with:
      k: ${{ keys(nodes.a.outputs.m) }}
      v: ${{ values(nodes.a.outputs.m) }}
      p: ${{ toPairs(nodes.a.outputs.m)[1] }}
      n: "${{ keys({\"b\": 1, \"a\": 2}) }}"
      num: "${{ keys(fromPairs([[2, 'a'], [10, 'b'], [1, 'c']])) }}"
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"k":   []any{"aa", "k1", "k2", "k3", "zz"},
		"v":   []any{5, 2, 3, 1, 4},
		"p":   []any{"k1", 2},
		"n":   []any{"a", "b"},
		"num": []any{1, 2, 10},
	}
	for range 20 { // Go's map order differs from one range to the next
		rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run: %v %v", err, rec.Status)
		}
		b := rec.Nodes["b"]
		if b.Status != engine.StatusSuccess {
			t.Fatalf("b %s (%s): keys(m)[0] was not the first key", b.Status, b.Reason)
		}
		for k, w := range want {
			if got := b.Outputs[k]; !reflect.DeepEqual(normalizeNumbers(got), w) {
				t.Fatalf("outputs.%s = %#v, want %#v", k, got, w)
			}
		}
	}
}

// normalizeNumbers turns the float64 a whole number may be into an int.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case float64:
		if x == float64(int(x)) {
			return int(x)
		}
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalizeNumbers(x[i])
		}
		return out
	}
	return v
}

// A whole config, node, pipeline or run given as a value is the map users
// read it as, by its names in expressions (it was a Go struct: F0, F1,
// Items, Message); keys() and values() take them too.
func TestWholeViewsAreMaps(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("w.yaml", []byte(`
name: w
description: d
config: {N: 1, S: x}
nodes:
  a: {module: echo, with: {v: 1}}
  b:
    module: echo
    needs: a
    with:
      c: ${{ config }}
      n: ${{ nodes.a }}
      p: ${{ pipeline }}
      l: ${{ [config][0].S }}
      ks: ${{ keys(config) }}
      vs: ${{ values(pipeline) }}
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %v (%s)", err, rec.Status, rec.Nodes["b"].Reason)
	}
	out := rec.Nodes["b"].Outputs
	for k, want := range map[string]any{
		"c":  map[string]any{"N": 1, "S": "x", "ENABLE_DANGEROUS_AI": false},
		"n":  map[string]any{"status": "success", "message": "echoed 1 input(s)", "outputs": map[string]any{"v": 1}, "items": nil},
		"p":  map[string]any{"name": "w", "description": "d", "file": "w.yaml"},
		"l":  "x",
		"ks": []any{"ENABLE_DANGEROUS_AI", "N", "S"},
		"vs": []any{"d", "w.yaml", "w"},
	} {
		if got := normalizeDeep(out[k]); !reflect.DeepEqual(got, want) {
			t.Errorf("outputs.%s = %#v, want %#v", k, got, want)
		}
	}
}

// normalizeDeep is normalizeNumbers inside maps too, and an empty list as
// null (a node's items when it does not fan out).
func normalizeDeep(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, item := range x {
			out[k] = normalizeDeep(item)
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalizeDeep(x[i])
		}
		return out
	}
	return normalizeNumbers(v)
}

// fromPairs makes a mapping a module takes, keys that are numbers as
// text: it came as map[any]any, refused as "want a mapping".
func TestFromPairsIsAMapping(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
nodes:
  a: {module: echo, with: {m: "${{ fromPairs([['a', 1], [2, 'b']]) }}", l: "${{ [fromPairs([['k', 'v']])] }}"}}
`, engine.Options{})
	n := rec.Nodes["a"]
	want := map[string]any{"m": map[string]any{"a": 1, "2": "b"}, "l": []any{map[string]any{"k": "v"}}}
	if n.Status != engine.StatusSuccess || !reflect.DeepEqual(n.Outputs, want) {
		t.Errorf("a: %s (%s), outputs %#v, want %#v", n.Status, n.Message, n.Outputs, want)
	}
}
