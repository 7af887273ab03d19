package engine_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// journalOf runs src with a journal and returns the journal's lines.
func journalOf(t *testing.T, src string, opts engine.Options) [][]byte {
	t.Helper()
	var buf bytes.Buffer
	opts.Journal = &buf
	newTestModules(t).run(t, src, opts)
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	return lines[:len(lines)-1] // each with its newline
}

const journalled = `name: j
nodes:
  a: {module: echo}
  b: {module: echo, needs: a}
  c: {module: echo}
`

// The journal's first line lists every node, with the reason for those the
// run does not select.
func TestJournalHeader(t *testing.T) {
	lines := journalOf(t, journalled, engine.Options{RunID: "r1", Skip: []string{"c"}})
	var h engine.JournalHeader
	if err := json.Unmarshal(lines[0], &h); err != nil {
		t.Fatal(err)
	}
	if h.Version != 1 || h.Run != "r1" || h.Pipeline != "j" || h.PID != os.Getpid() || h.StartedAt.IsZero() || len(h.Nodes) != 3 {
		t.Fatalf("header %+v", h)
	}
	if h.Nodes[2].ID != "c" || h.Nodes[2].Module != "echo" || !strings.Contains(h.Nodes[2].Skipped, "--skip") {
		t.Errorf("node c in the header: %+v", h.Nodes[2])
	}
	if len(lines) != 4 { // the header, a, b, the run's end
		t.Errorf("%d lines:\n%s", len(lines), bytes.Join(lines, nil))
	}
}

func TestRecoverJournal(t *testing.T) {
	lines := journalOf(t, journalled, engine.Options{RunID: "r1", Skip: []string{"c"}}) // header, a, b
	head, a, b := lines[0], lines[1], lines[2]
	oldA := bytes.Replace(a, []byte(`"run":"r1"`), []byte(`"run":"old"`), 1)
	tests := []struct {
		name    string
		journal []byte
		nodes   map[string]engine.Status
		lost    int
		dropped int
		reason  string
	}{
		{"ended nodes and lost ones", cat(head, a), map[string]engine.Status{"a": "success", "b": "lost", "c": "skipped"}, 1, 0, "1 node(s) lost"},
		{"torn last line", cat(head, a, b[:len(b)/2]), map[string]engine.Status{"a": "success", "b": "lost", "c": "skipped"}, 1, 1, "1 unreadable line(s) dropped"},
		{"last line without its newline", cat(head, a, b[:len(b)-1]), map[string]engine.Status{"a": "success", "b": "success", "c": "skipped"}, 0, 0, "0 node(s) lost"},
		{"header only", head, map[string]engine.Status{"a": "lost", "b": "lost", "c": "skipped"}, 2, 0, "2 node(s) lost"},
		{"empty", nil, map[string]engine.Status{}, 0, 0, "nothing is known of its nodes"},
		{"older pipe, no header", oldA, map[string]engine.Status{"a": "success"}, 0, 0, "without a header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "r1"+engine.JournalSuffix)
			if err := os.WriteFile(path, tt.journal, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := engine.RecoverJournal(path)
			if err != nil || got == nil {
				t.Fatalf("RecoverJournal: %v, %v", got, err)
			}
			rec, err := engine.ReadRecord(filepath.Join(dir, "r1.json"))
			if err != nil {
				t.Fatalf("the record: %v", err)
			}
			if rec.ID != "r1" || rec.Status != engine.StatusInterrupted || !strings.Contains(rec.Reason, tt.reason) {
				t.Errorf("run %s %s (%s), want r1 interrupted (%s)", rec.ID, rec.Status, rec.Reason, tt.reason)
			}
			if rec.StartedAt.IsZero() || rec.FinishedAt.Before(rec.StartedAt) {
				t.Errorf("started %v, finished %v", rec.StartedAt, rec.FinishedAt)
			}
			if len(rec.Nodes) != len(tt.nodes) {
				t.Errorf("%d nodes, want %d", len(rec.Nodes), len(tt.nodes))
			}
			for id, st := range tt.nodes {
				if n := rec.Nodes[id]; n == nil || n.Status != st {
					t.Errorf("node %s: %+v, want %s", id, n, st)
				}
			}
			if got.Lost != tt.lost || got.Dropped != tt.dropped {
				t.Errorf("lost %d dropped %d, want %d and %d", got.Lost, got.Dropped, tt.lost, tt.dropped)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the journal is still there: %v", err)
			}
		})
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// A journal its pipe holds is left alone, and recovered once the pipe is
// gone (closing the file stands for its death).
func TestRecoverRunsLeavesLiveRuns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "live"+engine.JournalSuffix)
	live, err := engine.CreateJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if _, err := engine.RecoverJournal(path); !errors.Is(err, engine.ErrRunLive) {
		t.Fatalf("a live run's journal: %v, want ErrRunLive", err)
	}
	got, err := engine.RecoverRuns(dir)
	if err != nil || len(got) != 0 {
		t.Fatalf("RecoverRuns took a live run: %v, %v", got, err)
	}
	live.Close()
	got, err = engine.RecoverRuns(dir)
	if err != nil || len(got) != 1 || got[0].Record.ID != "live" {
		t.Fatalf("after its pipe ended: %+v, %v", got, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 || ents[0].Name() != ".live" || ents[1].Name() != "live.json" {
		t.Errorf("left in the runs directory: %v", ents)
	}
	if markers, _ := os.ReadDir(filepath.Join(dir, ".live")); len(markers) != 0 {
		t.Errorf("markers left: %v", markers)
	}
}

// A run that wrote its record but died before removing its journal keeps
// its record: the journal only goes.
func TestRecoverKeepsWrittenRecord(t *testing.T) {
	dir := t.TempDir()
	rec := &engine.Record{ID: "done", Pipeline: "p", Status: engine.StatusSuccess, StartedAt: time.Now(), Nodes: map[string]*engine.NodeRecord{}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "done"+engine.JournalSuffix)
	os.WriteFile(journal, nil, 0o600)
	if got, err := engine.RecoverJournal(journal); got != nil || err != nil {
		t.Fatalf("recovered %+v, %v", got, err)
	}
	if saved, err := engine.ReadRecord(filepath.Join(dir, "done.json")); err != nil || saved.Status != engine.StatusSuccess {
		t.Errorf("the record: %+v, %v", saved, err)
	}
	if _, err := os.Stat(journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is still there: %v", err)
	}
}

// A file where a run's record goes that is not its record (empty, a
// directory, another run's) does not stand for it: the run is recovered
// from its journal in memory (SaveErr names the file), and the journal
// and the file stay.
func TestRecoverWhenARecordIsInTheWay(t *testing.T) {
	for name, put := range map[string]func(path string){
		"empty":     func(path string) { os.WriteFile(path, nil, 0o600) },
		"directory": func(path string) { os.MkdirAll(filepath.Join(path, "x"), 0o755) },
		"another run's": func(path string) {
			os.WriteFile(path, []byte(`{"id":"other","pipeline":"p","status":"success","nodes":{}}`+"\n"), 0o600)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			journal := filepath.Join(dir, "run1"+engine.JournalSuffix)
			os.WriteFile(journal, []byte(`{"journal":1,"run":"run1","pipeline":"p","started_at":"2099-11-27T14:56:18Z","pid":1,"nodes":[{"id":"a","module":"echo"}]}`+"\n"), 0o600)
			recPath := filepath.Join(dir, "run1.json")
			put(recPath)
			got, err := engine.RecoverJournal(journal)
			if err != nil || got == nil || got.Record.ID != "run1" || !errors.Is(got.SaveErr, engine.ErrRecordInTheWay) || !strings.Contains(got.SaveErr.Error(), recPath) {
				t.Fatalf("recovered %+v, %v", got, err)
			}
			if _, err := os.Stat(journal); err != nil {
				t.Errorf("the journal went: %v", err)
			}
			if _, err := os.Stat(recPath); err != nil {
				t.Errorf("the file went: %v", err)
			}
		})
	}
}

// A journal names its run, but the record is written under the journal's
// own file name: a forged header cannot write outside the runs directory
// or over another run's record.
func TestRecoverIgnoresTheHeadersRunID(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "runs")
	os.MkdirAll(dir, 0o755)
	victim := filepath.Join(root, "victim.json")
	os.WriteFile(victim, []byte("mine"), 0o600)
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte("other run"), 0o600)
	for name, run := range map[string]string{"x": "../victim", "y": "other"} {
		head := `{"journal":1,"run":"` + run + `","pipeline":"evil","nodes":[]}` + "\n"
		os.WriteFile(filepath.Join(dir, name+engine.JournalSuffix), []byte(head), 0o600)
	}
	got, err := engine.RecoverRuns(dir)
	if err != nil || len(got) != 2 {
		t.Fatalf("RecoverRuns: %v, %v", got, err)
	}
	for path, want := range map[string]string{victim: "mine", other: "other run"} {
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Errorf("%s was overwritten: %q", path, b)
		}
	}
	for _, id := range []string{"x", "y"} {
		if _, err := engine.ReadRecord(filepath.Join(dir, id+".json")); err != nil {
			t.Errorf("record of %s: %v", id, err)
		}
	}
	if _, err := engine.WriteRecord(dir, &engine.Record{ID: "../up"}); err == nil {
		t.Error("WriteRecord wrote a record whose id is a path")
	}
}

// A journal of which no line can be read (garbage, or a header torn in
// its middle) is no run pipe can describe: it is not made into a record
// (which would be the newest run, of no pipeline), nor removed, and is
// named with the records that cannot be read; a live run's journal
// before its header is not.
func TestUnreadableJournalIsLeftAlone(t *testing.T) {
	skipWithoutLocks(t)
	head := journalOf(t, journalled, engine.Options{RunID: "r1"})[0]
	for name, text := range map[string][]byte{"garbage": []byte("garbage\n"), "torn header": head[:20]} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			old := &engine.Record{ID: "20261126T120000Z-aaaa1111", Pipeline: "p", Status: engine.StatusSuccess, StartedAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC), Nodes: map[string]*engine.NodeRecord{}}
			if _, err := engine.WriteRecord(dir, old); err != nil {
				t.Fatal(err)
			}
			name := "20261127T150006Z-junk0001" + engine.JournalSuffix
			path := filepath.Join(dir, name)
			os.WriteFile(path, text, 0o600)
			if got, err := engine.RecoverJournal(path); got != nil || !errors.Is(err, engine.ErrJournalUnreadable) || !strings.Contains(err.Error(), path) {
				t.Errorf("RecoverJournal = %+v, %v; want ErrJournalUnreadable naming the file", got, err)
			}
			for _, recover := range []func(string) ([]engine.Recovered, error){engine.RecoverRuns, engine.RecoverAllRuns} {
				if got, err := recover(dir); len(got) != 0 || err != nil {
					t.Errorf("recovering the runs: %+v, %v; want nothing, no error (it is named with the damaged records)", got, err)
				}
			}
			if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, text) {
				t.Errorf("the journal: %q, %v; want it as it was", b, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "20261127T150006Z-junk0001.json")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a record was made of it: %v", err)
			}
			runs, damaged, err := engine.ListRunsDamaged(dir)
			if err != nil || len(runs) != 1 || runs[0].ID != old.ID || len(damaged) != 1 || damaged[0] != name {
				t.Errorf("ListRunsDamaged = %+v, %q, %v; want the record as the only run and the journal damaged", runs, damaged, err)
			}
			// The newest run is the damaged one, as a damaged record is.
			if got, err := engine.FindRun(dir, "last"); err != nil || got != path {
				t.Errorf("FindRun(last) = %q, %v; want the journal", got, err)
			}
		})
	}
	t.Run("live, before its header", func(t *testing.T) {
		dir := t.TempDir()
		liveJournal(t, filepath.Join(dir, "live"+engine.JournalSuffix), "")
		if runs, damaged, err := engine.ListRunsDamaged(dir); len(runs) != 0 || len(damaged) != 0 || err != nil {
			t.Errorf("ListRunsDamaged = %+v, %q, %v; want nothing", runs, damaged, err)
		}
	})
}

// A run recovered where its record cannot be written (a read-only or full
// runs directory) comes back from its journal all the same, interrupted,
// and its journal stays for a later command; the runs list shows it
// interrupted, not running.
func TestRecoverWhereTheRecordCannotBeWritten(t *testing.T) {
	skipWithoutLocks(t)
	lines := journalOf(t, journalled, engine.Options{RunID: "r1", Skip: []string{"c"}}) // header, a, b
	dir := t.TempDir()
	path := filepath.Join(dir, "20261127T145618Z-8af30162"+engine.JournalSuffix)
	os.WriteFile(path, cat(lines[0], lines[1]), 0o600)
	readOnly := errors.New("read-only file system")
	engine.FailRecordWrites(t, readOnly)
	got, err := engine.RecoverJournal(path)
	if err != nil || got == nil {
		t.Fatalf("RecoverJournal = %+v, %v", got, err)
	}
	if !errors.Is(got.SaveErr, readOnly) || got.Path != "" || got.Journal != path || got.Lost != 1 {
		t.Errorf("recovered %+v; want SaveErr, no path, 1 lost", got)
	}
	if rec := got.Record; rec.Status != engine.StatusInterrupted || rec.Nodes["a"].Status != engine.StatusSuccess || rec.Nodes["b"].Status != engine.StatusLost {
		t.Errorf("record %+v", rec)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the journal went: %v", err)
	}
	all, err := engine.RecoverRuns(dir)
	if err != nil || len(all) != 1 || all[0].SaveErr == nil {
		t.Errorf("RecoverRuns = %+v, %v; want the run, unsaved, and no error", all, err)
	}
	runs, err := engine.ListRuns(dir)
	if err != nil || len(runs) != 1 || runs[0].Status != engine.StatusInterrupted || runs[0].Counts[engine.StatusLost] != 1 || runs[0].Path != path {
		t.Errorf("ListRuns = %+v, %v; want the run interrupted, from its journal", runs, err)
	}
	// Pruned, it goes with its journal.
	if err := engine.DeleteRun(dir, runs[0].ID); err != nil {
		t.Fatal(err)
	}
	if runs, err := engine.ListRuns(dir); len(runs) != 0 || err != nil {
		t.Errorf("after DeleteRun: %+v, %v", runs, err)
	}
}

// skipWithoutLocks skips a test of recovery where journals cannot be
// locked (Windows): there pipe cannot tell a dead pipe's journal from a
// live one, and leaves them all.
func skipWithoutLocks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("journals are recovered only where they can be locked")
	}
}
