//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// `pipe graph --run` on a run that has only its journal (its pipe died)
// recovers the record first, and colours the graph with it.
func TestGraphRecoversJournal(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "r9"+engine.JournalSuffix)
	line := `{"run":"r9","node":"stats","module":"echo","status":"success","attempts":1}` + "\n"
	if err := os.WriteFile(journal, []byte(line+`{"run":"r9","node":"rep`), 0o600); err != nil { // torn last line
		t.Fatal(err)
	}
	r := pipe(t, "graph", "pipelines/example.yaml", "--run", filepath.Join(dir, "r9.json"))
	if r.code != 0 || !strings.Contains(r.stderr, "recovered") || !strings.Contains(r.stdout, `fillcolor="#c8e6c9"`) {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	rec, err := engine.ReadRecord(filepath.Join(dir, "r9.json"))
	if err != nil || rec.Status != engine.StatusInterrupted || rec.Nodes["stats"].Status != engine.StatusSuccess {
		t.Errorf("record %+v, %v", rec, err)
	}
	// How long it ran is known up to its journal's last write only.
	if r := pipe(t, "runs", "--runs-dir", dir); r.code != 0 || !strings.Contains(r.stdout, "interrupted") || !strings.Contains(r.stdout, ">=") {
		t.Errorf("pipe runs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipe(t, "show", "r9", "--runs-dir", dir); r.code != 0 || !strings.Contains(r.stdout, "took at least ") {
		t.Errorf("pipe show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
