//go:build !notemporal

package main

import (
	"testing"
	"time"
)

// runOnAWorker starts a worker on queue in dir, then pipe run FILE --on
// the server at addr with args, and waits at most 90 s for the run to
// end; it returns the run's process, ended.
func runOnAWorker(t *testing.T, dir, addr, queue, file string, args ...string) *proc {
	t.Helper()
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	run := startDaemon(t, dir, append([]string{"run", file, "--on", "temporal://" + addr + "/default", "--task-queue", queue}, args...)...)
	select {
	case <-run.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the run did not end:\n%s", run.stderr)
	}
	return run
}
