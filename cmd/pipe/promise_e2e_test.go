package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// A node's promised outputs as a user meets them: validate reports a read
// of an output a node does not promise at its line and column, and a run
// fails the python node that breaks its promise, after its retry, naming
// the output, the promised and the given type.
func TestPromisedOutputsEndToEnd(t *testing.T) {
	r := pipe(t, "validate", "testdata/bad/promised_outputs.yaml")
	if r.code != 1 || !strings.Contains(r.stderr+r.stdout, `testdata/bad/promised_outputs.yaml:33:33: node leagues promises no output "leauges"`) {
		t.Errorf("validate: exit %d, want 1 and the unpromised read at 33:33\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	r = pipe(t, "run", "testdata/good/promise.yaml", "--runs-dir", t.TempDir())
	if r.code != 1 {
		t.Fatalf("run: exit %d, want 1 (count breaks its promise)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// count: error after 2 attempts, its reason the broken promise.
	count := regexp.MustCompile(`(?m)^count +error +\S+ +2 +outputs break the node's promise: output n: promised a number, got a string$`)
	if !count.MatchString(r.stdout) || !strings.Contains(r.stdout, "list    success") || !strings.Contains(r.stdout, "report  success") {
		t.Errorf("summary: want list success, count failed after 2 attempts on its promise, report run by failure():\n%s\n%s", r.stdout, r.stderr)
	}
}
