package main

import (
	"strings"
	"testing"
)

// A flag only a run on Temporal reads is a usage error without --on, as
// --detach was: --heartbeat and --task-queue were ignored in silence.
func TestRemoteFlagsWithoutOn(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  a: {module: echo}\n"})
	for _, args := range [][]string{
		{"--heartbeat", "5s"},
		{"--task-queue=gpu"},
		{"--namespace", "prod"},
		{"--detach"},
	} {
		r := pipeIn(t, dir, nil, append([]string{"run", "p.yaml"}, args...)...)
		flag, _, _ := strings.Cut(args[0], "=")
		if r.code != exitUsage || !strings.Contains(r.stderr, flag+" goes with --on") {
			t.Errorf("pipe run p.yaml %v: exit %d, want %d saying %s goes with --on\n%s", args, r.code, exitUsage, flag, r.stderr)
		}
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Errorf("pipe run p.yaml: exit %d\n%s", r.code, r.stderr)
	}
}
