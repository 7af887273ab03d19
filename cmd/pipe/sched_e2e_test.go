package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestRunDoublesProcs: pipe run gives Go's scheduler two Ps per core
// (see moreProcs), and leaves GOMAXPROCS alone when the environment sets
// it.
func TestRunDoublesProcs(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/p.yaml"
	if err := os.WriteFile(file, []byte("nodes:\n  a:\n    module: exec\n    with: {command: [true]}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runs := t.TempDir()
	env := []string{"GOMAXPROCS="} // empty: the runtime's default
	if os.Getenv("GOMAXPROCS") == "" {
		want := fmt.Sprintf("gomaxprocs=%d", 2*runtime.GOMAXPROCS(0))
		r := pipeIn(t, ".", env, "--debug", "run", file, "--runs-dir", runs)
		if r.code != 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, want 0 and %q in:\n%s", r.code, want, r.stderr)
		}
	}
	r := pipeIn(t, ".", []string{"GOMAXPROCS=1"}, "--debug", "run", file, "--runs-dir", runs)
	if r.code != 0 || !strings.Contains(r.stderr, "gomaxprocs=1") {
		t.Errorf("with GOMAXPROCS=1: exit %d, want 0 and gomaxprocs=1 in:\n%s", r.code, r.stderr)
	}
}
