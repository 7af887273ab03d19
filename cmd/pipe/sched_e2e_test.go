package main

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

// TestMoreProcs: two Ps per core, unless the environment sets GOMAXPROCS.
func TestMoreProcs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(before) })
	t.Setenv("GOMAXPROCS", "") // empty is unset, to the runtime too
	// Twice the default, however often it is called.
	for range 2 {
		if got := moreProcs(); got != 2*defaultProcs || runtime.GOMAXPROCS(0) != 2*defaultProcs {
			t.Errorf("moreProcs() = %d, GOMAXPROCS %d; want both %d", got, runtime.GOMAXPROCS(0), 2*defaultProcs)
		}
	}
	runtime.GOMAXPROCS(before)
	t.Setenv("GOMAXPROCS", strconv.Itoa(before))
	if got := moreProcs(); got != before || runtime.GOMAXPROCS(0) != before {
		t.Errorf("with GOMAXPROCS set: moreProcs() = %d, GOMAXPROCS %d; want both %d", got, runtime.GOMAXPROCS(0), before)
	}
}

// TestRunDoublesProcs: the built binary's run says what it set, and keeps
// GOMAXPROCS from the environment.
func TestRunDoublesProcs(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/p.yaml"
	if err := os.WriteFile(file, []byte("nodes:\n  a:\n    module: exec\n    with: {command: [true]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := t.TempDir()
	procs := regexp.MustCompile(`Go scheduler gomaxprocs=(\d+)`)
	r := pipeIn(t, ".", []string{"GOMAXPROCS="}, "--debug", "run", file, "--runs-dir", runs)
	m := procs.FindStringSubmatch(r.stderr)
	if r.code != 0 || m == nil {
		t.Fatalf("exit %d, want 0 and the scheduler's debug line in:\n%s", r.code, r.stderr)
	}
	if n, _ := strconv.Atoi(m[1]); n < 2 || n%2 != 0 {
		t.Errorf("gomaxprocs=%d, want twice the runtime's default", n)
	}
	r = pipeIn(t, ".", []string{"GOMAXPROCS=1"}, "--debug", "run", file, "--runs-dir", runs)
	if m := procs.FindStringSubmatch(r.stderr); r.code != 0 || m == nil || m[1] != "1" {
		t.Errorf("with GOMAXPROCS=1: exit %d, want 0 and gomaxprocs=1 in:\n%s", r.code, r.stderr)
	}
}
