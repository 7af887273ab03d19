package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A matrix as a user runs it: instances named by their combinations, one
// failing, the fan-in in matrix order, explain counting combinations.
func TestMatrixEndToEnd(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "testdata/good/matrix.yaml", "--runs-dir", runs)
	if r.code != 1 {
		t.Fatalf("run: exit %d, want 1 (fit[germany,blend] fails)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"fit[england,elo]          success", "fit[england,dixon_coles]  success", "fit[italy,elo]            success", "fit[germany,blend]        error", "report                    success"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	r = pipe(t, "show", "last", "--runs-dir", runs, "--json")
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	got, _ := json.Marshal(rec.Nodes["report"].Inputs)
	if want := `{"fits":["england/elo/180","england/dixon_coles/365","italy/elo/180",null],"keys":["england,elo","england,dixon_coles","italy,elo","germany,blend"]}`; string(got) != want {
		t.Errorf("report's inputs %s, want %s", got, want)
	}
	r = pipe(t, "explain", "testdata/good/matrix.yaml")
	if !strings.Contains(r.stdout, "once per matrix combination: 4 instances") {
		t.Errorf("explain:\n%s%s", r.stdout, r.stderr)
	}
}
