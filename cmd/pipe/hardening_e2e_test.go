package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A run that cannot be recorded does not start: no node runs, and pipe
// says where and what to do.
func TestRunNeedsAWritableRunsDir(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: [touch, "+marker+"]}}\n"), 0o644)
	notDir := filepath.Join(dir, "runs")
	os.WriteFile(notDir, nil, 0o644)
	for _, runs := range []string{notDir, filepath.Join(notDir, "sub")} {
		r := pipe(t, "run", file, "--runs-dir", runs)
		if r.code != 1 || !strings.Contains(r.stderr, "cannot record runs in "+runs) || !strings.Contains(r.stderr, "--runs-dir") {
			t.Errorf("--runs-dir %s: exit %d\n%s", runs, r.code, r.stderr)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("--runs-dir %s: the node ran although the run could not be recorded", runs)
		}
	}
}

// --max-parallel -1, as a user types it, gets the flag's own message,
// not kong's reading of -1 as a short flag.
func TestRunRejectsAMaxParallelBelowOne(t *testing.T) {
	for _, flag := range [][]string{{"--max-parallel=0"}, {"--max-parallel=-1"}, {"--max-parallel", "-1"}, {"--max-parallel", "-2.5"}} {
		r := pipe(t, append([]string{"run", "pipelines/example.yaml", "--runs-dir", t.TempDir()}, flag...)...)
		n := strings.TrimPrefix(flag[len(flag)-1], "--max-parallel=")
		want := "--max-parallel " + n + ": must be at least 1"
		if n == "-2.5" {
			want = `expected a valid 64 bit int but got "-2.5"`
		}
		if r.code != 2 || !strings.Contains(r.stderr, want) || strings.Contains(r.stderr, "short flag") {
			t.Errorf("%q: exit %d\n%s", flag, r.code, r.stderr)
		}
	}
}

// The journal holds nodes' outputs, like the record: only the user reads
// either.
func TestJournalIsPrivateLikeTheRecord(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: wait, with: {duration: 1s}}\n"), 0o644)
	done := make(chan result, 1)
	go func() { done <- pipe(t, "run", file, "--runs-dir", runs) }()
	var mode os.FileMode
	for mode == 0 {
		select {
		case r := <-done:
			t.Fatalf("the run ended before its journal was seen: exit %d\n%s", r.code, r.stderr)
		case <-time.After(5 * time.Millisecond):
		}
		matches, _ := filepath.Glob(filepath.Join(runs, "*.events.jsonl"))
		if len(matches) > 0 {
			if fi, err := os.Stat(matches[0]); err == nil {
				mode = fi.Mode().Perm()
			}
		}
	}
	r := <-done
	if mode != 0o600 {
		t.Errorf("journal mode %v, want 0600 like the record", mode)
	}
	records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
	if r.code != 0 || len(records) != 1 {
		t.Fatalf("exit %d, records %v\n%s", r.code, records, r.stderr)
	}
	if fi, _ := os.Stat(records[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("record mode %v, want 0600", fi.Mode().Perm())
	}
}

// A secret given through the environment shows nowhere: not in the log on
// stderr (a program's own stderr included), the summary, --json or the
// record.
func TestSecretsShowNowhere(t *testing.T) {
	const secret = "tok_SUPERSECRET_123"
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte(`name: p
config:
  API_TOKEN: ""
nodes:
  leak:
    module: exec
    with:
      command: [sh, -c, 'echo "token $0" >&2; echo "{\"status\": \"error\", \"message\": \"bad $0\"}"', "${{ config.API_TOKEN }}"]
  cast:
    module: echo
    when: int(config.API_TOKEN) > 0
`), 0o644)
	runs := filepath.Join(dir, "runs")
	for _, extra := range [][]string{nil, {"--json"}} {
		cmd := exec.Command(pipeBin, append([]string{"run", file, "--runs-dir", runs}, extra...)...)
		cmd.Env = append(os.Environ(), "NO_COLOR=1", "API_TOKEN="+secret)
		out, _ := cmd.CombinedOutput()
		if cmd.ProcessState.ExitCode() != 1 {
			t.Fatalf("exit %d\n%s", cmd.ProcessState.ExitCode(), out)
		}
		if strings.Contains(string(out), secret) || !strings.Contains(string(out), "***") {
			t.Errorf("pipe run %v shows the secret, or no ***:\n%s", extra, out)
		}
	}
	records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
	logs, _ := filepath.Glob(filepath.Join(runs, "*", "*.log"))
	if len(records) != 2 || len(logs) != 2 {
		t.Fatalf("runs dir holds records %v and logs %v, want two of each", records, logs)
	}
	for _, r := range append(records, logs...) {
		b, _ := os.ReadFile(r)
		if strings.Contains(string(b), secret) {
			t.Errorf("%s shows the secret:\n%s", r, b)
		}
	}
}
