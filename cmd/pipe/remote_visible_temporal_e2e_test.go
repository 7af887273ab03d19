//go:build !notemporal

package main

import (
	"os"
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
	writeFiles(t, dir, map[string]string{"p.yaml": `name: retry
config: {API_TOKEN: hunter2-very-secret}
nodes:
  flaky:
    module: exec
    retries: {limit: 2, backoff: 1ms}
    with:
      command: |
        n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
        echo "try $n"
        printf 'no newline' >&2
        [ $n -ge 3 ] && exit 0
        [ $n -eq 1 ] && exit 3
        echo '{"status": "error", "message": "refused by ${{ config.API_TOKEN }}"}'
`})
	// The worker writes node logs under its runs directory, here the
	// client's too.
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w-retry")
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipeIn(t, dir, nil, "logs", "last", "flaky")
	if r.code != 0 {
		t.Fatalf("logs: exit %d\n%s", r.code, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*", "flaky.log"))
	if len(files) != 1 {
		t.Fatalf("log files %v", files)
	}
	file, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"try 1", "no newline", "--- attempt 2 of 3 (after: on worker w-retry: exit status 3) ---",
		"try 2", `{"status": "error", "message": "refused by ***"}`, "no newline", "--- attempt 3 of 3 (after: on worker w-retry: refused by ***) ---", "try 3", "no newline"}
	for what, text := range map[string]string{"pipe logs": r.stdout, "the log file": string(file)} {
		if got := logLines(text); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n%s\nwant the lines\n%s", what, text, strings.Join(want, "\n"))
		}
	}
}
