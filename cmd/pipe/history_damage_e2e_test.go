//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// pipeLimited runs the built binary in dir as pipeIn does, with its files
// limited to blocks blocks (ulimit -f; dash's are 512 bytes): a write past
// that fails with EFBIG, as on a full disk, and a write of any file with 0.
func pipeLimited(t *testing.T, dir string, blocks string, args ...string) result {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", `ulimit -f ` + blocks + ` && exec "$0" "$@"`, pipeBin}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr // pipes: a file would be limited too
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()}
}

// oneRun runs a one-node pipeline in a fresh directory and returns the
// directory and the run's id.
func oneRun(t *testing.T) (dir, id string) {
	t.Helper()
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: exec, with: {command: [echo, hi]}}\n"), 0o644)
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("the run: exit %d\n%s", r.code, r.stderr)
	}
	recs, _ := filepath.Glob(filepath.Join(dir, ".pipe/runs/*.json"))
	if len(recs) != 1 {
		t.Fatalf("records %q", recs)
	}
	return dir, strings.TrimSuffix(filepath.Base(recs[0]), ".json")
}

// A journal nothing can be read from is no run: pipe runs does not list it
// (nor makes a run of it, of no pipeline, newest of all), says once that
// it is there, and leaves it; pipe show, asked for the newest run, names
// it and says what to do, as it does of a damaged record.
func TestGarbageJournalIsNoRun(t *testing.T) {
	dir, id := oneRun(t)
	junk := filepath.Join(dir, ".pipe/runs/20991127T150006Z-junk0001"+engine.JournalSuffix)
	os.WriteFile(junk, []byte("garbage\n"), 0o600)
	r := pipeIn(t, dir, nil, "runs")
	if r.code != 0 || strings.Contains(r.stdout, "junk0001") || !strings.Contains(r.stdout, id) || strings.Count(r.stderr, "junk0001") != 1 {
		t.Errorf("pipe runs: exit %d, want the run alone and one word of the journal\n%s%s", r.code, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(junk); err != nil || string(b) != "garbage\n" {
		t.Errorf("the journal: %q, %v; want it left as it was", b, err)
	}
	if _, err := os.Stat(strings.TrimSuffix(junk, engine.JournalSuffix) + ".json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a record was made of it: %v", err)
	}
	s := pipeIn(t, dir, nil, "show")
	if s.code != 1 || !strings.Contains(s.stderr, junk[len(dir)+1:]) || !strings.Contains(s.stderr, "delete it") {
		t.Errorf("pipe show: exit %d, want the journal named and what to do\n%s%s", s.code, s.stdout, s.stderr)
	}
	if l := pipeIn(t, dir, nil, "logs"); l.code != 1 || strings.Contains(l.stderr, "printed nothing") || !strings.Contains(l.stderr, "junk0001") {
		t.Errorf("pipe logs: exit %d\n%s%s", l.code, l.stdout, l.stderr)
	}
}

// last is the newest run for show and logs, even when its record is
// damaged: each names it, and logs does not say its nodes printed
// nothing. Where last is a pipeline's last run (graph --run, explain's
// durations, --resume), the newest it can read is taken, with a word of
// the newer damaged one.
func TestLastWhenTheNewestRecordIsDamaged(t *testing.T) {
	dir, id := oneRun(t)
	bad := "20991127T235959Z-new00001"
	os.WriteFile(filepath.Join(dir, ".pipe/runs", bad+".json"), []byte(`{"id":`+"\n"), 0o600)
	for _, args := range [][]string{{"show"}, {"logs"}, {"logs", "last", "a"}} {
		r := pipeIn(t, dir, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, "cut short") || strings.Contains(r.stderr, "printed nothing") {
			t.Errorf("pipe %s: exit %d, want the damaged record named\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
	// Its logs, when it left some, are shown, with a word of the record.
	os.MkdirAll(filepath.Join(dir, ".pipe/runs", bad), 0o755)
	os.WriteFile(filepath.Join(dir, ".pipe/runs", bad, "a.log"), []byte("2099-11-27T23:59:59.000Z stdout hello\n"), 0o600)
	if r := pipeIn(t, dir, nil, "logs"); r.code != 0 || !strings.Contains(r.stdout, "hello") || !strings.Contains(r.stderr, "cannot be read") {
		t.Errorf("pipe logs of a damaged record with a log: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"graph", "p.yaml", "--run", "last"}, {"explain", "p.yaml"}} {
		r := pipeIn(t, dir, nil, args...)
		if r.code != 0 || !strings.Contains(r.stderr, "a newer run's record cannot be read") || !strings.Contains(r.stderr, bad) || !strings.Contains(r.stderr, id) {
			t.Errorf("pipe %s: exit %d, want run %s used and a word of %s\n%s%s", strings.Join(args, " "), r.code, id, bad, r.stdout, r.stderr)
		}
	}
}

// A run whose pipe died, in a runs directory where its record cannot be
// written (read-only, full): it is recovered in memory, shown
// interrupted (not running, its duration growing), shown and resumed
// from its journal, which stays; a warning says so once a command. Once
// the record can be written, it is.
func TestRecoverWhereNoRecordCanBeWritten(t *testing.T) {
	dir, _ := oneRun(t)
	os.WriteFile(filepath.Join(dir, "s.yaml"), []byte("name: s\nnodes:\n  a: {module: echo}\n  b: {module: echo, needs: a}\n"), 0o644)
	id := "20991127T145618Z-8af30162"
	journal := filepath.Join(dir, ".pipe/runs", id+engine.JournalSuffix)
	os.WriteFile(journal, []byte(`{"journal":1,"run":"`+id+`","pipeline":"s","file":"s.yaml","started_at":"2099-11-27T14:56:18Z","pid":1,"nodes":[{"id":"a","module":"echo"},{"id":"b","module":"echo"}]}`+"\n"+
		`{"run":"`+id+`","node":"a","module":"echo","status":"success","attempts":1,"started_at":"2099-11-27T14:56:18Z","finished_at":"2099-11-27T14:56:19Z"}`+"\n"), 0o600)
	const unsaved = "could not save the record"
	r := pipeLimited(t, dir, "0", "runs")
	if r.code != 0 || !strings.Contains(r.stdout, id+"  interrupted") || strings.Count(r.stderr, unsaved) != 1 {
		t.Errorf("pipe runs: exit %d, want the run interrupted and one warning\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, ref := range []string{"last", "2099"} {
		s := pipeLimited(t, dir, "0", "show", ref)
		if s.code != 0 || !strings.Contains(s.stdout, "run "+id+": interrupted") || !strings.Contains(s.stdout, "b     lost") || strings.Count(s.stderr, unsaved) != 1 {
			t.Errorf("pipe show %s: exit %d\n%s%s", ref, s.code, s.stdout, s.stderr)
		}
	}
	// --resume finds it (it is no longer running); this run cannot be
	// recorded either, and says so.
	if s := pipeLimited(t, dir, "0", "run", "s.yaml", "--resume", "last"); !strings.Contains(s.stderr, "resuming") || !strings.Contains(s.stderr, "run="+id) || strings.Count(s.stderr, unsaved) != 1 {
		t.Errorf("pipe run --resume last: exit %d\n%s%s", s.code, s.stdout, s.stderr)
	}
	if _, err := os.Stat(journal); err != nil {
		t.Fatalf("the journal went: %v", err)
	}
	if r := pipeIn(t, dir, nil, "runs"); r.code != 0 || !strings.Contains(r.stderr, "recovered a run") || strings.Contains(r.stderr, unsaved) {
		t.Errorf("pipe runs once records can be written: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if rec, err := engine.ReadRecord(filepath.Join(dir, ".pipe/runs", id+".json")); err != nil || rec.Status != engine.StatusInterrupted {
		t.Errorf("the record: %+v, %v", rec, err)
	}
	if _, err := os.Stat(journal); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the journal is still there: %v", err)
	}
}

// A run whose record cannot be written (files limited to 100 KB, as a
// nearly full disk: the record holds a node's 400 KB output twice) ends
// exit 1 saying so; its journal, whose lines are bounded, holds every
// node's end and the run's, so the next command recovers the run as it
// ended, not as a run whose pipe died with nodes lost.
func TestRecordNotWrittenIsRecoveredAsItEnded(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(`name: big
nodes:
  big: {module: exec, with: {command: [sh, -c, 'head -c 400000 /dev/zero | tr "\0" x; echo']}}
  small: {module: echo, needs: big, with: {message: hi}}
  fan: {module: echo, needs: big, foreach: [1, 2, 3], with: {v: '${{ item }}'}}
`), 0o644)
	r := pipeLimited(t, dir, "200", "run", "big.yaml", "--output", "quiet")
	if r.code != 1 || !strings.Contains(r.stdout, "record: not written") {
		t.Fatalf("the run: exit %d, want 1 and the record not written\n%s", r.code, r.stdout)
	}
	r = pipeIn(t, dir, nil, "runs")
	if r.code != 0 || !strings.Contains(r.stdout, "success  big") || !strings.Contains(r.stdout, "5 success") || !strings.Contains(r.stderr, "a run that ended") {
		t.Errorf("pipe runs: exit %d, want the run recovered as it ended\n%s%s", r.code, r.stdout, r.stderr)
	}
	s := pipeIn(t, dir, nil, "show")
	if s.code != 0 || !strings.Contains(s.stdout, "did not write its record") || strings.Contains(s.stdout, "lost") || !strings.Contains(s.stdout, "fan[3]  success") {
		t.Errorf("pipe show: exit %d\n%s%s", s.code, s.stdout, s.stderr)
	}
}

// (history-recovery with history-prune-logs) A node's logs asked of a
// journal nothing can be read from say so, as of a damaged record: not
// that the node printed nothing.
func TestLogsOfANodeOfAGarbageJournal(t *testing.T) {
	dir, _ := oneRun(t)
	junk := filepath.Join(dir, ".pipe/runs/20991127T150006Z-junk0001"+engine.JournalSuffix)
	os.WriteFile(junk, []byte("garbage\n"), 0o600)
	for _, args := range [][]string{{"logs", "last", "a"}, {"logs", "last", "a", "b"}} {
		r := pipeIn(t, dir, nil, args...)
		if r.code != 1 || strings.Contains(r.stderr, "printed nothing") || !strings.Contains(r.stderr, "junk0001") || !strings.Contains(r.stderr, "cannot be read") {
			t.Errorf("pipe %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}

// (history-recovery with history-prune-logs) A run whose pipe died and
// whose record cannot be written, resumed from an older run, keeps that
// run through pipe runs --prune, as a run still going does: its kept
// nodes' logs are there.
func TestPruneKeepsWhatAnUnsavedRunResumed(t *testing.T) {
	dir, old := oneRun(t)
	id := "20991127T145618Z-8af30162"
	journal := filepath.Join(dir, ".pipe/runs", id+engine.JournalSuffix)
	os.WriteFile(journal, []byte(`{"journal":1,"run":"`+id+`","pipeline":"p","file":"p.yaml","started_at":"2099-11-27T14:56:18Z","pid":1,"resumed_from":"`+old+`","nodes":[{"id":"a","module":"exec"}]}`+"\n"+
		`{"run":"`+id+`","node":"a","module":"exec","status":"success","reason":"`+engine.KeptPrefix+old+`","started_at":"2099-11-27T14:56:18Z","finished_at":"2099-11-27T14:56:18Z"}`+"\n"), 0o600)
	r := pipeLimited(t, dir, "0", "runs", "--prune", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "deleted 0 run(s), kept 1, and 1 older") {
		t.Errorf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ".pipe/runs", old+".json")); err != nil {
		t.Errorf("the run resumed was pruned: %v", err)
	}
	if _, err := os.Stat(journal); err != nil {
		t.Errorf("the journal went: %v", err)
	}
}

// The logs of the newest run, a journal nothing can be read from that
// left node logs, are printed with a warning that names it, as those of
// a damaged record are (they were printed as any run's, without a word).
func TestLogsOfAGarbageJournalWarn(t *testing.T) {
	dir := t.TempDir()
	id := "20991127T150006Z-junk0001"
	os.MkdirAll(filepath.Join(dir, ".pipe/runs", id), 0o755)
	os.WriteFile(filepath.Join(dir, ".pipe/runs", id+engine.JournalSuffix), []byte("garbage"), 0o600)
	os.WriteFile(filepath.Join(dir, ".pipe/runs", id, "b.log"), []byte("2099-11-27T15:00:06.000Z stdout hello\n"), 0o600)
	for _, args := range [][]string{{"logs", "last"}, {"logs", "-f", "last"}} {
		r := pipeIn(t, dir, nil, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "[b] 2099-11-27T15:00:06.000Z stdout hello") || !strings.Contains(r.stderr, "cannot be read") ||
			!strings.Contains(r.stderr, id+engine.JournalSuffix) || strings.Count(r.stderr, "WARN") != 1 {
			t.Errorf("pipe %s: exit %d, want b's log and one warning naming the journal\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
