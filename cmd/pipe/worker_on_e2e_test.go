//go:build !notemporal

package main

import (
	"strings"
	"testing"
)

// pipe run, status and the others name the server with --on; pipe worker
// takes --on as its --temporal, not as an unknown flag.
func TestWorkerTakesOn(t *testing.T) {
	r := pipeIn(t, t.TempDir(), nil, "worker", "--on", "temporal://127.0.0.1:1/default")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot reach Temporal at 127.0.0.1:1") {
		t.Errorf("worker --on: exit %d, want 1 trying the address given\n%s", r.code, r.stderr)
	}
}

// Both names of the flag at once is a usage error: the last won silently.
func TestWorkerTakesOneOfOnAndTemporal(t *testing.T) {
	r := pipeIn(t, t.TempDir(), nil, "worker", "--on", "temporal://127.0.0.1:1/default", "--temporal", "127.0.0.1:2")
	if r.code != 2 || !strings.Contains(r.stderr, "--on and --temporal name the same server: give one") {
		t.Errorf("worker --on A --temporal B: exit %d, want 2\n%s", r.code, r.stderr)
	}
}
