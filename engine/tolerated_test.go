package engine_test

import (
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A record's nodes are counted with the failures continue_on_error let
// the run go past apart, the same whether the record is in memory or
// read back by pipe runs (a line at a time): a sub-pipeline's node under
// a tolerated pipeline node is one, a node that only mentions the words
// (in its message or outputs) is not.
func TestToleratedCounts(t *testing.T) {
	tolerated := "failed; " + engine.Tolerated
	tests := []struct {
		name  string
		nodes map[string]*engine.NodeRecord
		want  string
	}{
		{"none", map[string]*engine.NodeRecord{
			"a": {Status: engine.StatusSuccess}, "b": {Status: engine.StatusError, Reason: "failed"},
		}, "1 success, 1 error"},
		{"tolerated", map[string]*engine.NodeRecord{
			"a": {Status: engine.StatusSuccess}, "b": {Status: engine.StatusError, Reason: tolerated},
		}, "1 success, 1 tolerated error"},
		{"mixed", map[string]*engine.NodeRecord{
			"a": {Status: engine.StatusError, Reason: "failed"}, "b": {Status: engine.StatusError, Reason: tolerated},
			"c": {Status: engine.StatusSkipped, Reason: "need a failed"},
		}, "1 error, 1 tolerated error, 1 skipped"},
		{"foreach counts by instances", map[string]*engine.NodeRecord{
			"f":    {Status: engine.StatusError, Reason: "1 of 2 instances failed: f[2]; " + engine.Tolerated, Items: []string{"1", "2"}},
			"f[1]": {Status: engine.StatusSuccess}, "f[2]": {Status: engine.StatusError, Reason: tolerated},
		}, "1 success, 1 tolerated error"},
		{"under a tolerated pipeline node", map[string]*engine.NodeRecord{
			"sub": {Status: engine.StatusError, Reason: tolerated}, "sub/fail": {Status: engine.StatusError, Reason: "failed"},
			"sub/in/deep": {Status: engine.StatusError, Reason: "failed"}, "subway": {Status: engine.StatusError, Reason: "failed"},
			"hard": {Status: engine.StatusError, Reason: "failed"}, "hard/soft": {Status: engine.StatusError, Reason: tolerated},
		}, "2 error, 4 tolerated error"},
		{"the words elsewhere", map[string]*engine.NodeRecord{
			"m": {Status: engine.StatusError, Reason: "failed", Message: tolerated},
			"o": {Status: engine.StatusError, Reason: "failed", Outputs: map[string]any{"reason": tolerated}},
			"s": {Status: engine.StatusSuccess, Reason: tolerated},
		}, "1 success, 2 error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &engine.Record{ID: "20261126T120000Z-aaaa1111", Pipeline: "p", Status: engine.StatusSuccess,
				StartedAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Nodes: tt.nodes}
			if got := engine.CountsText(rec.Tally()); got != tt.want {
				t.Errorf("in memory: %q, want %q", got, tt.want)
			}
			dir := t.TempDir()
			if _, err := engine.WriteRecord(dir, rec); err != nil {
				t.Fatal(err)
			}
			runs, err := engine.ListRuns(dir)
			if err != nil || len(runs) != 1 {
				t.Fatalf("ListRuns = %+v, %v", runs, err)
			}
			if got := engine.CountsText(runs[0].Counts, runs[0].Tolerated); got != tt.want {
				t.Errorf("read back: %q, want %q", got, tt.want)
			}
		})
	}
}
