//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A run whose record cannot be written because a file, not its record, is
// where it goes (a directory, an empty file, a copy of another run's
// record): pipe runs, show, logs and --resume read the run from its
// journal, which stays, and a warning names the file and says to move it;
// once it is moved, the next command writes the record. (The journal was
// removed as if the file were the record: the run was gone.)
func TestJournalKeptWhenARecordIsInTheWay(t *testing.T) {
	dir, other := oneRun(t)
	runs := filepath.Join(dir, ".pipe/runs")
	os.WriteFile(filepath.Join(dir, "q.yaml"), []byte("name: q\nnodes:\n  a: {module: exec, with: {command: 'echo from-a'}}\n  b: {module: exec, needs: a, with: {command: 'sleep 1; exit 5'}}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", "q.yaml")
	cmd.Dir = dir
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var id string
	for deadline := time.Now().Add(10 * time.Second); id == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		js, _ := filepath.Glob(filepath.Join(runs, "*"+engine.JournalSuffix))
		if len(js) == 1 {
			id = strings.TrimSuffix(filepath.Base(js[0]), engine.JournalSuffix)
		}
	}
	if id == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("no journal")
	}
	blocker := filepath.Join(runs, id+".json")
	os.MkdirAll(filepath.Join(blocker, "blocker"), 0o755)
	cmd.Wait()
	if !strings.Contains(out.String(), "record: not written") || !strings.Contains(out.String(), "move it out of the runs directory") {
		t.Fatalf("the run: exit %d, want its record not written\n%s", cmd.ProcessState.ExitCode(), out.String())
	}
	journal := filepath.Join(runs, id+engine.JournalSuffix)
	check := func(what string) {
		t.Helper()
		rel := filepath.Join(".pipe/runs", id+".json")
		r := pipeIn(t, dir, nil, "runs")
		if r.code != 0 || !strings.Contains(r.stdout, id+"  error") || !strings.Contains(r.stderr, rel+", where the run's record goes, is not its record") || !strings.Contains(r.stderr, "move "+rel) {
			t.Errorf("%s: pipe runs: exit %d, want the run listed and the file named\n%s%s", what, r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(journal); err != nil {
			t.Fatalf("%s: the journal went: %v", what, err)
		}
		if s := pipeIn(t, dir, nil, "show", "last"); s.code != 0 || !strings.Contains(s.stdout, "run "+id+": error") || !strings.Contains(s.stdout, "b     error") {
			t.Errorf("%s: pipe show last: exit %d\n%s%s", what, s.code, s.stdout, s.stderr)
		}
		for _, ref := range []string{id, id[:20]} { // its id, or its start: the journal, not the file
			if s := pipeIn(t, dir, nil, "show", ref); s.code != 0 || !strings.Contains(s.stdout, "run "+id+": error") {
				t.Errorf("%s: pipe show %s: exit %d\n%s%s", what, ref, s.code, s.stdout, s.stderr)
			}
		}
		for _, args := range [][]string{{"logs", "last", "a"}, {"logs", id}, {"logs", id[:20], "a"}} {
			if l := pipeIn(t, dir, nil, args...); l.code != 0 || !strings.Contains(l.stdout, "from-a") || strings.Contains(l.stderr, "cannot be read") {
				t.Errorf("%s: pipe %s: exit %d\n%s%s", what, strings.Join(args, " "), l.code, l.stdout, l.stderr)
			}
		}
		if _, err := os.Stat(journal); err != nil {
			t.Fatalf("%s: the journal went: %v", what, err)
		}
	}
	check("a directory")
	os.RemoveAll(blocker)
	os.WriteFile(blocker, nil, 0o600)
	check("an empty file")
	b, _ := os.ReadFile(filepath.Join(runs, other+".json"))
	os.WriteFile(blocker, b, 0o600)
	check("another run's record")
	if r := pipeIn(t, dir, nil, "run", "q.yaml", "--resume", "last"); !strings.Contains(r.stderr, "run="+id) {
		t.Errorf("pipe run --resume last: exit %d, want run %s resumed\n%s%s", r.code, id, r.stdout, r.stderr)
	}
	// Moved away: the record is written, and the journal goes.
	os.Remove(blocker)
	if r := pipeIn(t, dir, nil, "runs"); r.code != 0 || !strings.Contains(r.stdout, id+"  error") {
		t.Errorf("pipe runs once the file is moved: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if rec, err := engine.ReadRecord(blocker); err != nil || rec.ID != id || rec.Status != engine.StatusError {
		t.Errorf("the record: %+v, %v", rec, err)
	}
	if _, err := os.Stat(journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is still there: %v", err)
	}
}
