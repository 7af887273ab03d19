package engine_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A Go module's nil slice or map, for an output it declares a list or a
// map, reaches the next node as an empty one, never as null: the next
// node's input is typed, and null would fail it at the pipeline's line.
func TestDeclaredEmptyOutputsAreEmptyNotNull(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]any
		want   map[string]any
	}{
		{"nil []any", map[string]any{"rows": []any(nil), "stats": map[string]any(nil)}, map[string]any{"rows": []any{}, "stats": map[string]any{}}},
		{"nil of other Go types", map[string]any{"rows": []map[string]any(nil), "stats": map[string]float64(nil)}, map[string]any{"rows": []any{}, "stats": map[string]any{}}},
		{"untyped nil", map[string]any{"rows": nil, "stats": nil}, map[string]any{"rows": []any{}, "stats": map[string]any{}}},
		{"undeclared and scalar outputs stay nil", map[string]any{"rows": []any{1}, "stats": map[string]any{}, "note": nil, "other": []any(nil)},
			map[string]any{"rows": []any{1}, "stats": map[string]any{}, "note": nil, "other": []any(nil)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := newTestModules(t)
			tm.reg.Register(modules.Info{Name: "evaluator", Description: "gives nil for its declared list and map",
				Outputs: []modules.Field{{Name: "rows", Type: modules.List}, {Name: "stats", Type: modules.Map}, {Name: "note", Type: modules.String}},
				New: func() modules.Module {
					return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
						return &modules.Output{Values: tc.values}, nil
					})
				}})
			tm.reg.Register(modules.Info{Name: "consumer", Description: "takes a list and a map",
				Inputs: []modules.Field{{Name: "rows", Type: modules.List}, {Name: "stats", Type: modules.Map}},
				New: func() modules.Module {
					return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
						rows, _ := in.With["rows"].([]any)
						return &modules.Output{Values: map[string]any{"n": len(rows)}}, nil
					})
				}})
			rec := tm.run(t, `
name: empty
nodes:
  ev: {module: evaluator}
  use:
    module: consumer
    needs: ev
    with: {rows: "${{ nodes.ev.outputs.rows }}", stats: "${{ nodes.ev.outputs.stats }}"}
`, engine.Options{})
			check(t, rec, engine.StatusSuccess, map[string]want{"use": {engine.StatusSuccess, ""}})
			if got := rec.Nodes["ev"].Outputs; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("outputs %#v, want %#v", got, tc.want)
			}
		})
	}
}
