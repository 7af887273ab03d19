// Package modtest holds what the football modules' tests share: checking
// a module's outputs against the types its Info declares.
package modtest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// CheckOutputs fails t when an output the module declares is missing or,
// as the next node reads it (through JSON, as the run record and the node
// cache hold it), not of its declared type: a Go module's nil slice is
// null there, not the empty list a later node's input wants. The outputs
// named in absent may be missing (a module gives them only when asked).
func CheckOutputs(t testing.TB, module string, values map[string]any, absent ...string) {
	t.Helper()
	info, ok := modules.Default.Lookup(module)
	if !ok {
		t.Fatalf("module %s is not registered", module)
	}
	b, err := json.Marshal(values)
	if err != nil {
		t.Fatalf("outputs of %s do not encode: %v", module, err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, f := range info.Outputs {
		if f.Name == "*" {
			continue
		}
		v, ok := back[f.Name]
		if !ok && slices.Contains(absent, f.Name) {
			continue
		}
		if !ok {
			t.Errorf("%s: output %s is missing", module, f.Name)
			continue
		}
		if err := f.Type.Check(v); err != nil {
			t.Errorf("%s: output %s: %v", module, f.Name, err)
		}
	}
}
