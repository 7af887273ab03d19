package engine_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A `when` that comes out null is false when the output it reads was
// given as null, and an error, that names the outputs given, when it was
// not given at all: a misspelt output skipped its node in silence.
func TestWhenReadingAMissingOutput(t *testing.T) {
	tests := []struct {
		name, when string
		want       want
	}{
		{"misspelt", "nodes.check.outputs.redy", want{engine.StatusError, `test.yaml:6:31: when: nodes.check.outputs.redy: check gave no output redy (it gave outputs nothing, ready); did you mean "ready"?; write nodes.check.outputs.redy ?? false if its absence means false`}},
		{"inside an expression", "'config.GO ? nodes.check.outputs.redy : false'", want{engine.StatusError, "check gave no output redy"}},
		{"given as null", "nodes.check.outputs.nothing", want{engine.StatusSkipped, "when is false"}},
		{"absence meant", "nodes.check.outputs.redy ?? false", want{engine.StatusSkipped, "when is false"}},
		{"given", "nodes.check.outputs.ready", want{engine.StatusSuccess, ""}},
		{"fan-out", "nodes.check.outputs.redy", want{engine.StatusError, "check gave no output redy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			fan := ""
			if tt.name == "fan-out" {
				fan = "\n    foreach: [1, 2]"
			}
			src := "config: {GO: true}\nnodes:\n  check: {module: echo, with: {ready: true, nothing: null}}\n  deploy:\n    module: echo\n    when: " + tt.when + "\n    needs: check" + fan + "\n"
			rec := tm.run(t, src, engine.Options{})
			n := rec.Nodes["deploy"]
			if n.Status != tt.want.status || !strings.Contains(n.Reason+" "+n.Message, tt.want.reason) {
				t.Errorf("deploy %s (%s; %s), want %s with %q", n.Status, n.Reason, n.Message, tt.want.status, tt.want.reason)
			}
		})
	}
}
