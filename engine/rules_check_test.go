package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A module's rule applies at run time to a value that came from ${{ }},
// before the module runs: the node fails with the rule's words.
func TestModuleRuleAtRunTime(t *testing.T) {
	src := `
config: {KELLY: 5}
nodes:
  bet:
    module: betting_prediction
    with: {predictions: [], kelly_fraction: "${{ config.KELLY }}"}
`
	plan, err := engine.Parse("rules.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "input kelly_fraction: must be in (0, 1], not 5"
	if n := rec.Nodes["bet"]; n.Status != engine.StatusError || !strings.Contains(n.Message, want) {
		t.Errorf("bet: %s %q, want error %q", n.Status, n.Message, want)
	}
}
