//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A worker started in another checkout, whose sub-pipeline file differs
// from the client's, does not run its own: it refuses the run (its
// workflow task fails, saying which file and both digests), and the run
// waits for a worker with the client's files.
func TestWorkerInAnotherCheckoutRefusesTheRun(t *testing.T) {
	addr := temporalAddress(t)
	client, other := t.TempDir(), t.TempDir()
	queue := "e2e-files-" + engine.NewRunID()
	for dir, says := range map[string]string{client: "the client's", other: "the worker's"} {
		os.Mkdir(filepath.Join(dir, ".pipe"), 0o755) // the project's root
		os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  sub: {module: pipeline, with: {file: sub.yaml}}\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte("name: sub\nnodes:\n  say: {module: echo, with: {message: \""+says+"\"}}\n"), 0o644)
	}
	worker := startDaemon(t, other, "worker", "--temporal", addr, "--task-queue", queue)
	run := startDaemon(t, client, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue)
	const want = "this worker cannot run pipeline p.yaml: this worker's sub.yaml is not the file the client checked (sha256 "
	waitUntil(t, 60*time.Second, func() bool {
		select {
		case <-run.done:
			t.Fatalf("the run ended on a worker whose sub.yaml is not the client's:\n%s", run.stderr)
		default:
		}
		return strings.Contains(worker.stderr.String(), want)
	}, func() string { return "the worker never refused the run; its log:\n" + worker.stderr.String() })
	if !strings.Contains(worker.stderr.String(), "start workers at the root of a checkout of the same commit as the client's") {
		t.Errorf("the worker does not say what to do:\n%s", worker.stderr)
	}
}
