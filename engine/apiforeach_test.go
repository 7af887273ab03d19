package engine_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// A Foreach built in Go whose Keys do not name each item of its Value is
// a diagnostic of Compile: its run panicked, indexing past the keys.
func TestForeachKeysBuiltInGo(t *testing.T) {
	for _, f := range []*schema.Foreach{
		{Value: []any{1, 2, 3}, Keys: []string{"x"}},
		{Value: map[string]any{"a": 1}, Keys: []string{"a"}},
	} {
		p := &schema.Pipeline{Name: "api", Nodes: []*schema.Node{{ID: "a", Module: "echo", Foreach: f}}}
		_, diags := engine.Compile(p, modules.Default)
		if len(diags) == 0 || !strings.Contains(diags[0].Message, "foreach Keys name 1 instances, for") {
			t.Errorf("Foreach %v: diagnostics %v, want one of its keys", f, diags)
		}
	}
}
