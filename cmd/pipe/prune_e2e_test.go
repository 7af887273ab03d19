package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// resumedChain runs p.yaml (b fails), then --resume last three times
// (b fails again, then passes, then all is kept): node a ran in the
// first run only. It returns the runs directory and the run ids, oldest
// first.
func resumedChain(t *testing.T) (dir string, ids []string) {
	t.Helper()
	dir = t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": `name: p
nodes:
  a: {module: exec, with: {command: 'echo a-log-line'}}
  b: {module: exec, needs: a, with: {command: 'test -e ok'}}
`})
	steps := []struct {
		args []string
		ok   bool
	}{{[]string{"run", "p.yaml"}, false}, {[]string{"run", "p.yaml", "--resume", "last"}, false}, {[]string{"run", "p.yaml", "--resume", "last"}, true}, {[]string{"run", "p.yaml", "--resume", "last"}, true}}
	for _, s := range steps {
		if s.ok {
			writeFiles(t, dir, map[string]string{"ok": ""})
		}
		r := pipeIn(t, dir, nil, s.args...)
		if (r.code == 0) != s.ok {
			t.Fatalf("pipe %v: exit %d\n%s%s", s.args, r.code, r.stdout, r.stderr)
		}
		_, id, _ := strings.Cut(r.stdout[strings.LastIndex(r.stdout, "\nrun ")+1:], "run ")
		id, _, _ = strings.Cut(id, ":")
		ids = append(ids, id)
	}
	return filepath.Join(dir, ".pipe", "runs"), ids
}

// pipe runs --prune keeps the runs whose logs a run kept prints for its
// nodes kept by --resume, however many resumes back.
func TestPruneKeepsTheLogsOfKeptNodes(t *testing.T) {
	runs, ids := resumedChain(t)
	r := pipe(t, "runs", "--prune", "1", "--runs-dir", runs)
	if r.code != 0 || !strings.Contains(r.stdout, "deleted 0 run(s), kept 1, and 3 older") {
		t.Fatalf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"logs", "last", "a"}, {"logs", "last"}} {
		r := pipe(t, append(args, "--runs-dir", runs)...)
		if r.code != 0 || !strings.Contains(r.stdout, "a-log-line") {
			t.Errorf("pipe %v after the prune: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	// The first run's record deleted by hand, its logs left: they are
	// printed, and not pruned as the logs of no run.
	os.Remove(filepath.Join(runs, ids[0]+".json"))
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(filepath.Join(runs, ids[0], "a.log"), old, old)
	os.Chtimes(filepath.Join(runs, ids[0]), old, old)
	if r := pipe(t, "logs", "last", "a", "--runs-dir", runs); r.code != 0 || !strings.Contains(r.stdout, "a-log-line") {
		t.Errorf("logs of a node whose run's record is gone, its logs not: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipe(t, "runs", "--prune", "1", "--runs-dir", runs); r.code != 0 || strings.Contains(r.stdout, "removed") {
		t.Errorf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(runs, ids[0], "a.log")); err != nil {
		t.Errorf("a kept node's log was pruned: %v", err)
	}
	// A run deleted by hand (or by an older pipe's prune) is named, not
	// the run that kept the node.
	os.Remove(filepath.Join(runs, ids[2]+".json"))
	r = pipe(t, "logs", "last", "a", "--runs-dir", runs)
	if r.code != 1 || !strings.Contains(r.stderr, "node a of run "+ids[3]+" was kept from run "+ids[2]+", which is gone") {
		t.Errorf("logs of a node kept from a run gone: exit %d\n%s", r.code, r.stderr)
	}
	r = pipe(t, "logs", "last", "--runs-dir", runs)
	if r.code != 0 || !strings.Contains(r.stderr, "node a was kept from run "+ids[2]+", which is gone") {
		t.Errorf("logs of a run with a node kept from a run gone: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// pipe runs --prune removes the log directories of runs whose record is
// gone, once nothing was written in them for an hour, and only those.
func TestPruneRemovesLogsOfNoRun(t *testing.T) {
	runs := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	for _, d := range []string{"20200101T000000Z-0000abcd", "20200101T000001Z-0000abce", "keep-me", "20200101T000002Z-0000abcf"} {
		writeFiles(t, runs, map[string]string{d + "/a.log": "x\n"})
		if d != "20200101T000001Z-0000abce" { // written a moment ago: maybe a run on workers
			os.Chtimes(filepath.Join(runs, d, "a.log"), old, old)
			os.Chtimes(filepath.Join(runs, d), old, old)
		}
	}
	// A run going: its pipe holds its journal.
	j, err := engine.CreateJournal(filepath.Join(runs, "20200101T000002Z-0000abcf"+engine.JournalSuffix))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	r := pipe(t, "runs", "--prune", "0", "--runs-dir", runs)
	if r.code != 0 || !strings.Contains(r.stdout, "removed the logs of 1 run(s) whose record was gone (20200101T000000Z-0000abcd)") {
		t.Errorf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for d, want := range map[string]bool{"20200101T000000Z-0000abcd": false, "20200101T000001Z-0000abce": true, "keep-me": true, "20200101T000002Z-0000abcf": true} {
		if _, err := os.Stat(filepath.Join(runs, d)); (err == nil) != want {
			t.Errorf("%s: left %v, want %v", d, err == nil, want)
		}
	}
}
