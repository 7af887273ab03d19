//go:build !notemporal

package main

import (
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
