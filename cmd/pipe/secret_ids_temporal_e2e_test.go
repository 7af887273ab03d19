//go:build !notemporal

package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// On Temporal too, a foreach over a secret names its instances by index:
// the workflow decides with the run's secrets, so neither the client, the
// worker, the record nor the nodes' logs show it.
func TestSecretInNoInstanceIDOnTemporal(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	queue := "e2e-secret-ids-" + engine.NewRunID()
	env := writeSecretIDPipeline(t, dir)
	worker := startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	shown := map[string]string{}
	r := pipeIn(t, dir, env, "run", "s.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--runs-dir", runs)
	shown["pipe run --on"] = r.stdout + r.stderr
	if r.code != 1 || !strings.Contains(r.stdout, "c[1] ") || !strings.Contains(r.stdout, "sub[0] ") {
		t.Errorf("pipe run --on: exit %d, want 1 (c[1] fails), instances by index:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"show", "last"}, {"logs", "last"}} {
		r := pipeIn(t, dir, env, append(args, "--runs-dir", runs)...)
		shown["pipe "+strings.Join(args, " ")] = r.stdout + r.stderr
	}
	shown["pipe worker"] = worker.stderr.String()
	checkNoSecret(t, shown, dir) // the worker's node logs too: it runs in dir
	if logs, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*", `c\[0\].log`)); len(logs) != 1 {
		t.Errorf("the worker wrote no log of c[0] under its runs directory: %v", logs)
	}
}
