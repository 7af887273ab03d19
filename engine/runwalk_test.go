package engine_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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
// instances, whatever its nodes' messages and outputs hold, however long.
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
		// Lines past the reader's buffer, one after another.
		"long1": {Module: "exec", Status: ok, Outputs: map[string]any{"v": strings.Repeat("x", 70<<10)}},
		"long2": {Module: "exec", Status: bad, Outputs: map[string]any{"v": strings.Repeat("y", 200<<10)}},
		"long3": {Module: "exec", Status: ok, Outputs: map[string]any{"v": strings.Repeat("z", 130<<10)}},
	}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	runs, err := engine.ListRuns(dir)
	if err != nil || len(runs) != 1 {
		t.Fatalf("ListRuns = %v, %v", runs, err)
	}
	want := map[engine.Status]int{ok: 4, bad: 2, engine.StatusSkipped: 1, engine.StatusCancelled: 1}
	if got := runs[0].Counts; !maps.Equal(got, want) {
		t.Errorf("counts %v, want %v", got, want)
	}
}

// WalkRuns reads journals as ListRunsDamaged always did: a dead pipe's
// journal nothing can be read from is a broken run (named damaged, never
// listed), a dead pipe's journal whose record could not be written is its
// run, interrupted, a live run's journal before its header is no run, and
// a journal left beside its run's record is passed over for the record.
func TestWalkRunsReadsJournals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("journals are told live or dead only where they can be locked")
	}
	dir := t.TempDir()
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	rec := &engine.Record{ID: "20261126T120000Z-aaaa1111", Pipeline: "p", Status: engine.StatusSuccess, StartedAt: at,
		Nodes: map[string]*engine.NodeRecord{"a": {Module: "echo", Status: engine.StatusSuccess}}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	head := func(id string, started time.Time) string {
		return `{"journal":1,"run":"` + id + `","pipeline":"p","started_at":"` + started.Format(time.RFC3339) + `","pid":1,"nodes":[{"id":"a","module":"echo"}]}` + "\n"
	}
	// Beside its record: the record is the run.
	os.WriteFile(filepath.Join(dir, rec.ID+engine.JournalSuffix), []byte(head(rec.ID, at)), 0o600)
	// Dead, its record never written: interrupted, its node lost, and
	// the run it resumed said (pipe runs --prune keeps that one).
	dead := "20261126T120001Z-bbbb2222"
	os.WriteFile(filepath.Join(dir, dead+engine.JournalSuffix), []byte(strings.Replace(head(dead, at.Add(time.Second)), `"pid":1`, `"pid":1,"resumed_from":"`+rec.ID+`"`, 1)), 0o600)
	// Dead, nothing in it can be read: damaged.
	junk := "20261126T120002Z-cccc3333"
	os.WriteFile(filepath.Join(dir, junk+engine.JournalSuffix), []byte("garbage\n"), 0o600)
	// Live, before its header: no run.
	liveJournal(t, filepath.Join(dir, "20261126T120003Z-dddd4444"+engine.JournalSuffix), "")

	w, err := engine.WalkRuns(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		got = append(got, fmt.Sprintf("%s %s %v", h.ID, h.Status, h.Broken != nil))
	}
	want := []string{junk + "  true", dead + " interrupted false", rec.ID + " success false"}
	if !slices.Equal(got, want) {
		t.Errorf("walk:\n%q\nwant\n%q", got, want)
	}
	if d := w.Damaged(); !slices.Equal(d, []string{junk + engine.JournalSuffix}) {
		t.Errorf("damaged %q", d)
	}
	runs, _ := engine.ListRuns(dir)
	if len(runs) != 2 || runs[0].ID != dead || runs[0].Counts[engine.StatusLost] != 1 || runs[0].ResumedFrom != rec.ID || runs[1].Path != filepath.Join(dir, rec.ID+".json") {
		t.Errorf("ListRuns = %+v", runs)
	}
}
