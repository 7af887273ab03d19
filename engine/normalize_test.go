package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A Go module whose outputs are not JSON (a channel) fails its node, as on
// a Temporal worker: it succeeded with the output error: "outputs are not
// JSON: ...", which the next node read.
func TestOutputsThatAreNotJSONFail(t *testing.T) {
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "chan", New: func() modules.Module {
		return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
			return &modules.Output{Values: map[string]any{"x": 1, "c": []any{make(chan int)}}}, nil
		})
	}})
	rec := tm.run(t, "name: j\nnodes:\n  a: {module: chan}\n  b: {module: echo, needs: a}\n", engine.Options{})
	a := rec.Nodes["a"]
	if a.Status != engine.StatusError || !strings.Contains(a.Message, "outputs are not JSON") {
		t.Errorf("a: %s (%s), want an error: outputs are not JSON", a.Status, a.Message)
	}
	if b := rec.Nodes["b"]; b.Status != engine.StatusSkipped {
		t.Errorf("b: %s, want skipped", b.Status)
	}
}
