//go:build !notemporal

package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A foreach run on Temporal shows its instances as a local run does:
// each one's start, its lines, then its end, all before the node's end.
// The client told no instance's start or end, and showed the lines of
// the instances that ended last after the node's end.
func TestRemoteRunShowsInstances(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-instances-" + engine.NewRunID()
	writeFiles(t, dir, map[string]string{"p.yaml": `name: instances
nodes:
  fan:
    foreach: [a, b, c, d]
    module: exec
    with:
      command: [sh, -c, 'echo "first of $0"; echo "last of $0"', "${{ item }}"]
`})
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w-inst")
	for _, mode := range []string{"prefixed", "grouped"} {
		t.Run(mode, func(t *testing.T) {
			r := pipeIn(t, dir, nil, "run", "p.yaml", "--output", mode, "--on", "temporal://"+addr+"/default", "--task-queue", queue)
			if r.code != 0 {
				t.Fatalf("exit %d:\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			end := regexp.MustCompile(`(?m)fan: done .*$`).FindStringIndex(r.stderr)
			if end == nil {
				t.Fatalf("no end of fan:\n%s", r.stderr)
			}
			for _, k := range []string{"a", "b", "c", "d"} {
				// In the order a local run shows them.
				at := -1
				for _, want := range []string{"fan[" + k + "]: started module=exec", "[fan[" + k + "]] first of " + k,
					"[fan[" + k + "]] last of " + k, "fan[" + k + "]: done "} {
					i := strings.Index(r.stderr, want)
					if i < 0 || i < at || i > end[0] {
						t.Fatalf("%q is not after the line before it and before fan's end:\n%s", want, r.stderr)
					}
					at = i
				}
			}
		})
	}
}

// A node retried on a Temporal worker has its log file on that worker
// parted by attempt, as a local run's is (TestRetrySeparatesAttemptsInLogs):
// `--- attempt N of M (after: ERROR) ---`, the error's secrets masked.
// The attempts ran into each other.
func TestRemoteRetrySeparatesAttemptsInLogs(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-retrylog-" + engine.NewRunID()
	writeFiles(t, dir, map[string]string{"p.yaml": flakyPipeline})
	// The worker writes node logs under its runs directory, here the
	// client's too.
	runs := filepath.Join(dir, "runs")
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w-retry", "--runs-dir", runs)
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--runs-dir", runs, "--on", "temporal://"+addr+"/default", "--task-queue", queue); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	wantRetryLog(t, dir, runs, "on worker w-retry: exit status 3", "on worker w-retry: refused by ***")
}
