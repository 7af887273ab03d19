package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Journals and records are read back from disk, where anything may have
// been written to them (a crash mid-line, a full disk, an editor): reading
// never panics, and what it gives back holds together.
func FuzzReadJournal(f *testing.F) {
	head := `{"journal":1,"run":"r","pipeline":"p","started_at":"2026-11-27T10:00:00Z","pid":7,"nodes":[{"id":"a","module":"echo"},{"id":"b","module":"echo","skipped":"need a failed"}]}` + "\n"
	node := `{"run":"r","node":"a","module":"echo","status":"success","started_at":"2026-11-27T10:00:01Z","finished_at":"2026-11-27T10:00:02Z","outputs":{"x":1}}` + "\n"
	end := `{"run":"r","end":{"status":"success","finished_at":"2026-11-27T10:00:03Z"}}` + "\n"
	for _, s := range []string{head, head + node, head + node + end, head + node[:40], "garbage\n", "", node, "\n\n", head + `{"run":"r","node":"a"}` + "\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		modTime := time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)
		rec, lost, dropped, ok := readJournal(bytes.NewReader(data), "r", modTime)
		if rec == nil || lost < 0 || dropped < 0 {
			t.Fatalf("readJournal: record %v, lost %d, dropped %d", rec, lost, dropped)
		}
		if ok && rec.FinishedAt.Before(rec.StartedAt) {
			t.Errorf("the run ends (%s) before it starts (%s)", rec.FinishedAt, rec.StartedAt)
		}
		if ok {
			if _, err := EncodeRecord(rec); err != nil {
				t.Errorf("a recovered record cannot be written: %v", err)
			}
		}
	})
}

func FuzzReadHead(f *testing.F) {
	rec := &Record{ID: "r", Pipeline: "p", Status: StatusSuccess, Nodes: map[string]*NodeRecord{"a": {Status: StatusSuccess}}}
	if b, err := EncodeRecord(rec); err == nil {
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{"id":"r","nodes":{`))
	f.Add([]byte("{\"id\":\"r\",\"nodes\":{\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "r.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := readHead(path)
		if err == nil && s.ID == "" {
			t.Errorf("a head without an id read as a run: %+v", s)
		}
	})
}
