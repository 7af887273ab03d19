package engine_test

import (
	"errors"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// `when: config.FLAG` on a string config: the hint tests it is not empty,
// except for the words YAML 1.1 read as booleans, where that test would
// take "no" for true: those are told to be compared or written as bools.
func TestWhenOnAYesNoString(t *testing.T) {
	for _, tc := range []struct{ value, when, hint string }{
		{`"no"`, "config.FLAG", `FLAG is the string "no" (YAML 1.2 has no yes/no booleans): write false, or test config.FLAG == "yes"`},
		{`no`, "config.FLAG", `FLAG is the string "no" (YAML 1.2 has no yes/no booleans): write false, or test config.FLAG == "yes"`},
		{`Off`, "config.FLAG", `FLAG is the string "Off" (YAML 1.2 has no yes/no booleans): write false, or test config.FLAG == "On"`},
		{`Y`, "config.FLAG", `FLAG is the string "Y" (YAML 1.2 has no yes/no booleans): write true, or test config.FLAG == "Y"`},
		{`ON`, "config.FLAG", `FLAG is the string "ON" (YAML 1.2 has no yes/no booleans): write true, or test config.FLAG == "ON"`},
		{`nope`, "config.FLAG", `test it: config.FLAG != ""`},
		{`no`, `"!config.FLAG"`, `FLAG is the string "no" (YAML 1.2 has no yes/no booleans): write false, or test config.FLAG == "yes"`},
	} {
		t.Run(tc.value+" "+tc.when, func(t *testing.T) {
			src := "name: p\nconfig:\n  FLAG: " + tc.value + "\nnodes:\n  a: {module: echo, when: " + tc.when + "}\n"
			_, err := engine.Parse("p.yaml", []byte(src), modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) || len(diags) != 1 {
				t.Fatalf("want one problem, got %v", err)
			}
			if d := diags[0]; d.Hint != tc.hint || d.Line != 5 {
				t.Errorf("%d:%d: %s\nhint %s\nwant at line 5 the hint %s", d.Line, d.Col, d.Message, d.Hint, tc.hint)
			}
		})
	}
}
