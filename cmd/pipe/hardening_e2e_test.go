package main

import (
	"os"
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

func TestRunRejectsAMaxParallelBelowOne(t *testing.T) {
	for _, n := range []string{"0", "-1"} {
		r := pipe(t, "run", "pipelines/example.yaml", "--max-parallel="+n, "--runs-dir", t.TempDir())
		if r.code != 2 || !strings.Contains(r.stderr, "--max-parallel "+n+": must be at least 1") {
			t.Errorf("--max-parallel %s: exit %d\n%s", n, r.code, r.stderr)
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
