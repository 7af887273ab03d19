package engine_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// TestPromisedOutputsAtRunTime runs nodes that keep and break the outputs
// they promise: a broken promise fails the node, retries apply, failure()
// below it runs, and outputs not promised are allowed.
func TestPromisedOutputsAtRunTime(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		status engine.Status
		nodes  map[string]want
	}{
		{
			name: "kept, extra outputs allowed",
			src: `
nodes:
  a:
    module: echo
    with: {leagues: [e, g], n: 2, ratio: 0.5, name: x, ok: true, m: {k: 1}, z: null, extra: 1}
    outputs: {leagues: list, n: int, ratio: number, name: string, ok: bool, m: map, z: any}
  b: {module: echo, with: {n: 1}, outputs: [n]}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusSuccess, ""}, "b": {engine.StatusSuccess, ""}},
		},
		{
			// NaN is a number: a model's score may be one.
			name: "a NaN number keeps its promise",
			src: `
nodes:
  a: {module: echo, with: {score: .nan}, outputs: {score: number}}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusSuccess, ""}},
		},
		{
			name: "wrong type fails the node, failure() below runs",
			src: `
nodes:
  a: {module: echo, with: {n: two}, outputs: {n: number}}
  b: {module: echo, needs: a}
  c: {module: echo, needs: a, when: failure()}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"a": {engine.StatusError, "outputs break the node's promise: output n: promised a number, got a string"},
				"b": {engine.StatusSkipped, "need a failed"},
				"c": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "missing output names what it gave",
			src: `
nodes:
  a: {module: echo, with: {a: 1, c: 2}, outputs: {a: int, b: list}}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"a": {engine.StatusError, "output b: promised a list, got none (it gave: a, c)"}},
		},
		{
			name: "a null is not a list",
			src: `
nodes:
  a: {module: echo, with: {a: null}, outputs: {a: list}}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"a": {engine.StatusError, "output a: promised a list, got null"}},
		},
		{
			name: "retries apply",
			src: `
nodes:
  a: {module: moody, retries: {limit: 1, backoff: 1ms}, outputs: {n: int}}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusSuccess, ""}},
		},
		{
			name: "each instance keeps the promise",
			src: `
nodes:
  a:
    module: echo
    foreach: [1, x, 3]
    with: {v: "${{ item }}"}
    outputs: {v: number}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"a[1]": {engine.StatusSuccess, ""},
				"a[x]": {engine.StatusError, "output v: promised a number, got a string"},
				"a[3]": {engine.StatusSuccess, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			tm.reg.Register(modules.Info{Name: "moody", Description: "gives n as text on its first attempt, as a number after",
				New: func() modules.Module {
					return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
						if in.Attempt == 1 {
							return &modules.Output{Values: map[string]any{"n": "one"}}, nil
						}
						return &modules.Output{Values: map[string]any{"n": in.Attempt}}, nil
					})
				}})
			rec := tm.run(t, tt.src, engine.Options{})
			check(t, rec, tt.status, tt.nodes)
			if tt.name == "retries apply" && rec.Nodes["a"].Attempts != 2 {
				t.Errorf("attempts = %d, want 2", rec.Nodes["a"].Attempts)
			}
		})
	}
}

// TestPromiseTravelsWithTheTask checks that a task the scheduler hands a
// driver carries the node's promise, and that an executor without the
// plan (a worker's) checks it.
func TestPromiseTravelsWithTheTask(t *testing.T) {
	plan, err := engine.Parse("test.yaml", []byte("nodes:\n  a: {module: echo, with: {n: x}, outputs: {n: int}}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	s, err := engine.NewScheduler(plan, engine.Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	starts := s.Open()
	if len(starts) != 1 || len(starts[0].Task.Promise) != 1 || starts[0].Task.Promise[0] != (engine.Promised{Name: "n", Type: "int"}) {
		t.Fatalf("starts = %+v, want a task promising n: int", starts)
	}
	exec := engine.NewLocalExecutor(modules.Default, 0, func(string) *slog.Logger { return slog.New(slog.DiscardHandler) }, nil)
	_, err = exec.Execute(context.Background(), starts[0].Task)
	var me *modules.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "output n: promised an int, got a string") {
		t.Fatalf("Execute: %v, want the broken promise as a *modules.Error", err)
	}
	if me.Values["n"] != "x" {
		t.Errorf("the error carries outputs %v, want what the node gave", me.Values)
	}
}

// TestPromiseTypesAreModuleTypes keeps the type names a node may promise
// (schema knows no module) among the types modules check values by.
func TestPromiseTypesAreModuleTypes(t *testing.T) {
	for _, name := range schema.PromiseTypes {
		switch modules.Type(name) {
		case modules.String, modules.Int, modules.Number, modules.Bool, modules.List, modules.Map, modules.Any:
		default:
			t.Errorf("promise type %q is no modules.Type", name)
		}
	}
}

// TestCachedOutputsKeepThePromise checks that a cached result is reused
// only when it keeps what the node promises now: stored before the node
// promised n as a string, it is a miss, and the node runs (and fails).
func TestCachedOutputsKeepThePromise(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := t.TempDir()
	eng := engine.New(reg)
	run := func(src, id string) *engine.Record {
		t.Helper()
		plan, err := engine.Parse("p.yaml", []byte(src), reg)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := eng.Run(context.Background(), plan, engine.Options{RunID: id, CacheDir: filepath.Join(dir, "cache")})
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	run("nodes:\n  fit: {cache: true, with: {x: a}}\n", "r1")
	calls.Store(0)
	rec := run("nodes:\n  fit: {cache: true, with: {x: a}, outputs: {n: string}}\n", "r2")
	fit := rec.Nodes["fit"]
	if fit.CachedFrom != "" || calls.Load() != 1 || fit.Status != engine.StatusError || !strings.Contains(fit.Message, "output n: promised a string, got an int") {
		t.Errorf("fit: cached from %q, %d calls, %s %q; want a miss, one call, the broken promise", fit.CachedFrom, calls.Load(), fit.Status, fit.Message)
	}
}
