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
		// Wherever the read sits: expr reads a missing output as null,
		// and && or ! made that false without a word.
		{"inside &&", "'nodes.check.outputs.redy && config.GO'", want{engine.StatusError, `test.yaml:6:32: when: nodes.check.outputs.redy && config.GO: check gave no output redy (it gave outputs nothing, ready); did you mean "ready"?; write nodes.check.outputs.redy ?? false if its absence means false`}},
		{"inside ||", "'config.NO || nodes.check.outputs.redy'", want{engine.StatusError, "check gave no output redy"}},
		{"inside !", "'!nodes.check.outputs.redy'", want{engine.StatusError, "check gave no output redy"}},
		{"compared", "'nodes.check.outputs.redy == true'", want{engine.StatusError, "check gave no output redy (it gave outputs nothing, ready); did you mean \"ready\"?; write nodes.check.outputs.redy ?? <default> if it may be absent"}},
		{"a function's argument", "'string(nodes.check.outputs.redy) == \"true\"'", want{engine.StatusError, "check gave no output redy"}},
		{"indexed", "'config.GO && nodes.check.outputs[\"redy\"]'", want{engine.StatusError, "check gave no output redy"}},
		// A typo is caught even where the read is not evaluated this time.
		{"short-circuited", "'config.NO && nodes.check.outputs.redy'", want{engine.StatusError, "check gave no output redy"}},
		{"a branch not taken", "'config.NO ? nodes.check.outputs.redy : false'", want{engine.StatusError, "check gave no output redy"}},
		// Unless the expression says absence is fine.
		{"absence meant inside &&", "'(nodes.check.outputs.redy ?? false) && config.GO'", want{engine.StatusSkipped, "when is false"}},
		{"tested with in", "'\"redy\" in nodes.check.outputs && nodes.check.outputs.redy'", want{engine.StatusSkipped, "when is false"}},
		{"tested with not in", "'\"redy\" not in nodes.check.outputs || nodes.check.outputs.redy'", want{engine.StatusSuccess, ""}},
		{"compared to nil", "'nodes.check.outputs.redy != nil && nodes.check.outputs.redy'", want{engine.StatusSkipped, "when is false"}},
		{"equal to nil", "'nodes.check.outputs.redy == nil'", want{engine.StatusSuccess, ""}},
		{"optional chaining", "'config.GO && nodes.check.outputs?.redy == true'", want{engine.StatusSkipped, "when is false"}},
		{"given inside &&", "'nodes.check.outputs.ready && config.GO'", want{engine.StatusSuccess, ""}},
		// Given as null is given: expr's own error, not a missing output.
		{"given as null inside ||", "'nodes.check.outputs.nothing || config.NO'", want{engine.StatusError, "expected a bool, not null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			fan := ""
			if tt.name == "fan-out" {
				fan = "\n    foreach: [1, 2]"
			}
			src := "config: {GO: true, NO: false}\nnodes:\n  check: {module: echo, with: {ready: true, nothing: null}}\n  deploy:\n    module: echo\n    when: " + tt.when + "\n    needs: check" + fan + "\n"
			rec := tm.run(t, src, engine.Options{})
			n := rec.Nodes["deploy"]
			if n.Status != tt.want.status || !strings.Contains(n.Reason+" "+n.Message, tt.want.reason) {
				t.Errorf("deploy %s (%s; %s), want %s with %q", n.Status, n.Reason, n.Message, tt.want.status, tt.want.reason)
			}
		})
	}
}
