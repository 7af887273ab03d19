//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A script edited while its run goes on does not stop the run for good:
// the run's files are checked as it starts, not again when another
// worker replays it (it did, and every replay refused the run, a cancel
// too); the node that reads the edited script fails, saying why, and the
// run ends.
func TestFileEditedMidRunEndsTheRun(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-files-replay-" + engine.NewRunID()
	os.Mkdir(filepath.Join(dir, ".pipe"), 0o755) // the project's root
	os.WriteFile(filepath.Join(dir, "step.sh"), []byte("echo as checked\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`name: p
nodes:
  pause: {module: wait, with: {duration: 4s}}
  step: {module: exec, needs: pause, with: {command: [sh, step.sh]}}
`), 0o644)
	first := startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w1")
	run := startDaemon(t, dir, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue)
	waitUntil(t, 60*time.Second, func() bool { return strings.Contains(run.stderr.String(), "pause: started") },
		func() string { return "the run did not start:\n" + run.stderr.String() })
	// While the timer runs: the script changes, and the worker that has
	// the run in its cache dies; the next replays it from its history.
	os.WriteFile(filepath.Join(dir, "step.sh"), []byte("echo edited\n"), 0o644)
	first.cmd.Process.Signal(syscall.SIGKILL)
	second := startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w2")
	select {
	case <-run.done:
	case <-time.After(120 * time.Second):
		t.Fatalf("the run never ended after its script was edited:\nclient:\n%s\nworker w2:\n%s", run.stderr, second.stderr)
	}
	if code := run.cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("pipe run --on exited %d, want 1 (step failed):\n%s", code, run.stderr)
	}
	rec := lastRecord(t, dir)
	if n := rec.Nodes["step"]; n == nil || n.Status != engine.StatusError || !strings.Contains(n.Message, "step.sh is not the file the client checked") {
		t.Errorf("step: %+v, want it failed for its edited script", n)
	}
}
