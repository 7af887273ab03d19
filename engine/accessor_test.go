package engine_test

import (
	"context"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestUndeclaredInputReadFailsTheNode checks that a module reading an
// input its spec does not declare fails its node with the accessor's
// message, once: another attempt would read the same name.
func TestUndeclaredInputReadFailsTheNode(t *testing.T) {
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "typo", Description: "reads an input it does not declare",
		Inputs: []modules.Field{{Name: "label", Type: modules.String}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				return &modules.Output{Message: in.String("lable")}, nil
			})
		}})
	rec := tm.run(t, "nodes:\n  a: {module: typo, with: {label: x}, retries: 2}\n  b: {module: echo}\n", engine.Options{})
	check(t, rec, engine.StatusError, map[string]want{
		"a": {engine.StatusError, `module typo reads input "lable", which it does not declare (it declares: label)`},
		"b": {engine.StatusSuccess, ""},
	})
	if n := rec.Nodes["a"].Attempts; n != 1 {
		t.Errorf("attempts = %d, want 1: a read of an undeclared input is not retried", n)
	}
}
