package engine_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// WalkRuns reads records newest first by the second their id says, and
// reads an older second's records only when the walk gets there: last
// and runs -n N in a directory of thousands of runs read a few.
func TestWalkRunsReadsOnlyWhatItReaches(t *testing.T) {
	dir := t.TempDir()
	write := func(id string, started time.Time) {
		rec := &engine.Record{ID: id, Pipeline: "p", Status: engine.StatusSuccess, StartedAt: started,
			Nodes: map[string]*engine.NodeRecord{"a": {Status: engine.StatusSuccess}}}
		if _, err := engine.WriteRecord(dir, rec); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	// Two runs of one second: the one that started later is newer,
	// whatever their random tails say.
	write("20261126T120002Z-ffff0000", at.Add(2*time.Second+100*time.Millisecond))
	write("20261126T120002Z-0000ffff", at.Add(2*time.Second+900*time.Millisecond))
	// An id made otherwise is placed by its start.
	write("mine", at.Add(time.Second+500*time.Millisecond))
	// An older record that cannot be read, and one a second newer than
	// the others.
	os.WriteFile(filepath.Join(dir, "20261126T120000Z-0000dead.json"), []byte(`{"id":`), 0o600)
	os.WriteFile(filepath.Join(dir, "20261126T120003Z-0000beef.json"), []byte(`{"id":`), 0o600)

	w, err := engine.WalkRuns(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	h, _ := w.Next()
	if order = append(order, h.ID); h.Broken == nil {
		t.Errorf("newest: %+v, want the broken record of a later second", h)
	}
	h, _ = w.Next()
	order = append(order, h.ID)
	if d := w.Damaged(); !slices.Equal(d, []string{"20261126T120003Z-0000beef.json"}) {
		t.Errorf("after two runs, damaged %v: an older second's record was read", d)
	}
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		order = append(order, h.ID)
	}
	want := []string{"20261126T120003Z-0000beef", "20261126T120002Z-0000ffff", "20261126T120002Z-ffff0000", "mine", "20261126T120000Z-0000dead"}
	if !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	if d := w.Damaged(); len(d) != 2 {
		t.Errorf("damaged %v, want both", d)
	}
	runs, _ := engine.ListRuns(dir)
	if len(runs) != 3 || runs[0].Counts[engine.StatusSuccess] != 1 || runs[0].ID != "20261126T120002Z-0000ffff" {
		t.Errorf("ListRuns = %+v", runs)
	}
}

// A run's counts come from its node lines: a foreach node counts by its
// instances, whatever its nodes' messages and outputs hold.
func TestCountedReadsNodeLines(t *testing.T) {
	dir := t.TempDir()
	ok, bad := engine.StatusSuccess, engine.StatusError
	rec := &engine.Record{ID: "20261126T120000Z-aaaa1111", Pipeline: "p", Status: bad, Nodes: map[string]*engine.NodeRecord{
		"f":            {Module: "echo", Status: ok, Items: []string{"x", "y"}},
		"f[x]":         {Module: "echo", Status: ok},
		"f[y]":         {Module: "echo", Status: bad, Message: `said ","status":"skipped" and "items":[1]`},
		"o":            {Module: "echo", Status: ok, Outputs: map[string]any{"items": []any{1, 2}, "status": "lost"}},
		`q"uote`:       {Module: `m","status":"lost`, Status: engine.StatusSkipped},
		"cancelled/it": {Module: "exec", Status: engine.StatusCancelled},
	}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	runs, err := engine.ListRuns(dir)
	if err != nil || len(runs) != 1 {
		t.Fatalf("ListRuns = %v, %v", runs, err)
	}
	want := map[engine.Status]int{ok: 2, bad: 1, engine.StatusSkipped: 1, engine.StatusCancelled: 1}
	if got := runs[0].Counts; len(got) != len(want) || got[ok] != 2 || got[bad] != 1 || got[engine.StatusSkipped] != 1 || got[engine.StatusCancelled] != 1 {
		t.Errorf("counts %v, want %v", got, want)
	}
}
