package engine_test

import (
	"context"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A when with nothing in it runs its node as if it had none, with a
// warning: a pipeline an earlier pipe ran with `when: ""` stays valid (a
// Temporal run started then replays it; an error refused it).
func TestEmptyWhenRunsTheNode(t *testing.T) {
	for _, when := range []string{`""`, `''`, `~`, `"  "`} {
		src := "name: e\nnodes:\n  a: {module: echo, when: " + when + "}\n"
		plan, err := engine.Parse("e.yaml", []byte(src), modules.Default)
		if err != nil {
			t.Fatalf("when: %s: %v", when, err)
		}
		if len(plan.Warnings) != 1 || plan.Warnings[0].Line != 3 {
			t.Errorf("when: %s: warnings %v, want one at line 3", when, plan.Warnings)
		}
		rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
		if err != nil || rec.Nodes["a"].Status != engine.StatusSuccess {
			t.Errorf("when: %s: a %s (%v), want success", when, rec.Nodes["a"].Status, err)
		}
	}
}
