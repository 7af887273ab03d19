package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A failure is logged once, not once by the engine and again by the CLI.
func TestFailureIsLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: 'echo kaput-4711 >&2; exit 3'}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "exit status 3"); n != 1 {
		t.Errorf("the failure is logged %d times:\n%s", n, r.stderr)
	}
}
