package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

func TestListAndFindRuns(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i, id := range []string{"20261126T120000Z-aaaa1111", "20261126T130000Z-bbbb2222", "20261126T130000Z-bbbc3333"} {
		rec := &engine.Record{ID: id, Pipeline: "p", Status: engine.StatusSuccess, StartedAt: at.Add(time.Duration(i) * time.Hour), DurationMS: 5,
			Nodes: map[string]*engine.NodeRecord{"a": {Status: engine.StatusSuccess}, "b": {Status: engine.StatusSkipped}, "c": {Status: engine.StatusSuccess}}}
		if _, err := engine.WriteRecord(dir, rec); err != nil {
			t.Fatal(err)
		}
	}
	head := `{"journal":1,"run":"20261126T140000Z-cccc4444","pipeline":"q","started_at":"2026-11-26T14:00:00Z","pid":1,"nodes":[]}` + "\n"
	liveJournal(t, filepath.Join(dir, "20261126T140000Z-cccc4444"+engine.JournalSuffix), head)
	os.WriteFile(filepath.Join(dir, "notes.json"), []byte("{}"), 0o600) // not a record: left out

	runs, err := engine.ListRuns(dir)
	if err != nil || len(runs) != 4 {
		t.Fatalf("ListRuns = %+v, %v", runs, err)
	}
	if runs[0].Status != engine.StatusRunning || runs[0].Pipeline != "q" || runs[3].ID != "20261126T120000Z-aaaa1111" {
		t.Errorf("order or running run wrong: %+v", runs)
	}
	if c := runs[1].Counts; c[engine.StatusSuccess] != 2 || c[engine.StatusSkipped] != 1 {
		t.Errorf("counts %v", c)
	}
	tests := []struct {
		ref, want, err string
		is             error
	}{
		{"last", "20261126T140000Z-cccc4444" + engine.JournalSuffix, "", nil},
		{"20261126T120000Z-aaaa1111", "20261126T120000Z-aaaa1111.json", "", nil},
		{"20261126T12", "20261126T120000Z-aaaa1111.json", "", nil},
		{"20261126T130000Z-bbbb", "20261126T130000Z-bbbb2222.json", "", nil},
		{"20261126T13", "", "is the start of 2 run ids", engine.ErrAmbiguousRun},
		{"nope", "", `no run in`, engine.ErrNoRun},
		{"20261126T130000Z-bbbb2222.json", "20261126T130000Z-bbbb2222.json", "", nil}, // a record's file name, not in the working directory
	}
	for _, tt := range tests {
		got, err := engine.FindRun(dir, tt.ref)
		if tt.err != "" {
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("FindRun(%s) = %q, %v; want an error with %q", tt.ref, got, err, tt.err)
			}
			continue
		}
		if err != nil || filepath.Base(got) != tt.want {
			t.Errorf("FindRun(%s) = %q, %v; want %s", tt.ref, got, err, tt.want)
		}
		if _, err := os.Stat(got); err != nil {
			t.Errorf("FindRun(%s) = %q, which is not there: %v", tt.ref, got, err)
		}
	}
	if _, err := engine.FindRun(t.TempDir(), "last"); !errors.Is(err, engine.ErrNoRun) {
		t.Errorf("FindRun in an empty dir: %v", err)
	}
}

// A record whose node has null for its record (damaged, or written by
// hand) is not a record: reading it says so, and listing the runs leaves
// it out rather than failing on it.
func TestDamagedRecordWithANullNode(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"20261126T120000Z-aaaa1111.json": `{"id":"20261126T120000Z-aaaa1111","pipeline":"p","nodes":{"a":null}}`,
		"20261126T130000Z-bbbb2222.json": "{\"id\":\"20261126T130000Z-bbbb2222\",\"pipeline\":\"p\",\"status\":\"success\",\"nodes\":{\n\"a\":null\n}}\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := engine.ReadRecord(path); err == nil || !strings.Contains(err.Error(), `node "a" has null`) {
			t.Errorf("ReadRecord(%s) = %v, want an error naming node a", name, err)
		}
	}
	runs, err := engine.ListRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if r.ID == "20261126T120000Z-aaaa1111" {
			t.Errorf("ListRuns listed the damaged record: %+v", r)
		}
	}
}

// Files of a runs directory that are not records it can read (cut short,
// garbage, a copy of a record under another name) are named as damaged,
// not listed; a damaged record's whole id still finds its file, whose
// reader says what is wrong.
func TestListRunsNamesDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	rec := &engine.Record{ID: "20261126T120000Z-aaaa1111", Pipeline: "p", Status: engine.StatusSuccess, StartedAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
		Nodes: map[string]*engine.NodeRecord{"a": {Status: engine.StatusSuccess}}}
	path, err := engine.WriteRecord(dir, rec)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	os.WriteFile(filepath.Join(dir, "backup-of-aaaa.json"), data, 0o600)
	os.WriteFile(filepath.Join(dir, "20261126T130000Z-bbbb2222.json"), data[:40], 0o600)
	os.WriteFile(filepath.Join(dir, "garbage.json"), []byte("garbage"), 0o600)
	runs, damaged, err := engine.ListRunsDamaged(dir)
	if err != nil || len(runs) != 1 || runs[0].ID != rec.ID {
		t.Fatalf("runs %+v, %v: want %s alone", runs, err, rec.ID)
	}
	if want := []string{"20261126T130000Z-bbbb2222.json", "backup-of-aaaa.json", "garbage.json"}; !slices.Equal(damaged, want) {
		t.Errorf("damaged %q, want %q", damaged, want)
	}
	got, err := engine.FindRun(dir, "20261126T130000Z-bbbb2222")
	if err != nil || filepath.Base(got) != "20261126T130000Z-bbbb2222.json" {
		t.Fatalf("FindRun of a damaged record's id = %q, %v; want its file", got, err)
	}
	if _, err := engine.ReadRecord(got); err == nil || !strings.Contains(err.Error(), "cut short, or changed by hand") {
		t.Errorf("ReadRecord of a record cut short: %v", err)
	}
	if got, err := engine.FindRun(dir, "backup-of-aaaa"); !errors.Is(err, engine.ErrNoRun) || !strings.Contains(err.Error(), "holds run "+rec.ID) {
		t.Errorf("FindRun of a copy's name = %q, %v; want an error naming the run it holds", got, err)
	}
	// The newest run, and a run named by the start of its id, may be a
	// damaged record: it answers (its reader says what is wrong), not
	// another run. A copy under another name is no run of its own.
	for ref, want := range map[string]string{"last": "20261126T130000Z-bbbb2222.json", "20261126T13": "20261126T130000Z-bbbb2222.json", "garb": "garbage.json"} {
		if got, err := engine.FindRun(dir, ref); err != nil || filepath.Base(got) != want {
			t.Errorf("FindRun(%s) = %q, %v; want %s", ref, got, err, want)
		}
	}
	if got, err := engine.FindRun(dir, "2026"); !errors.Is(err, engine.ErrAmbiguousRun) {
		t.Errorf("FindRun(2026) = %q, %v; want it ambiguous between a run and a damaged record", got, err)
	}
	if got, err := engine.FindRun(dir, "backup"); !errors.Is(err, engine.ErrNoRun) {
		t.Errorf("FindRun(backup) = %q, %v; want no run (a copy)", got, err)
	}
}

// A record of the wrong shape says so in JSON's words, not Go's.
func TestDamagedRecordOfAnotherShape(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		"[1, 2]":                   "the record is a JSON array where a record has an object",
		`{"id": "x", "status": 5}`: "status is a JSON number where a record has a string",
	} {
		path := filepath.Join(dir, "r.json")
		os.WriteFile(path, []byte(body), 0o600)
		_, err := engine.ReadRecord(path)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "engine.") {
			t.Errorf("ReadRecord of %s: %v, want %q", body, err, want)
		}
	}
}

// liveJournal makes a journal holding text whose pipe still runs: the
// test holds its lock until it ends.
func liveJournal(t *testing.T, path, text string) {
	t.Helper()
	f, err := engine.CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
