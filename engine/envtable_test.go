package engine

import (
	"slices"
	"testing"
)

// TestEnvTable keeps the expression environment's one table whole: every
// field index has its entry (a const added without one leaves a zero
// entry), names are unique, and the struct expressions compile against
// reads each name at its index.
func TestEnvTable(t *testing.T) {
	seen := map[string]bool{}
	for k, e := range envTable {
		if e.name == "" || (e.typ == nil) != (k == fieldConfig) {
			t.Errorf("envTable[%d] = %+v: every field needs a name and, but config, a type", k, e)
		}
		if seen[e.name] {
			t.Errorf("envTable names %q twice", e.name)
		}
		seen[e.name] = true
	}
	env := newExprEnv(nil)
	for k, e := range envTable {
		if got := env.typ.Field(k).Tag.Get("expr"); got != e.name {
			t.Errorf("environment field %d reads as %q, want %q", k, got, e.name)
		}
	}
	for _, names := range [][]string{statusFuncs, itemNames} {
		for _, n := range names {
			if !slices.Contains(envNames, n) {
				t.Errorf("%q is not an environment name", n)
			}
		}
	}
	if want := []string{"success", "failure", "always", "cancelled"}; !slices.Equal(statusFuncs, want) {
		t.Errorf("status functions %v, want %v", statusFuncs, want)
	}
	if want := []string{"status", "message", "outputs", "items"}; !slices.Equal(nodeViewFields, want) {
		t.Errorf("nodes.<id> fields %v, want %v", nodeViewFields, want)
	}
}
