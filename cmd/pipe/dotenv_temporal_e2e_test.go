//go:build !notemporal

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// On Temporal a pipeline's dotenv files are read by the client, as
// --config's: their config values and the keys programs get travel with
// the run (workers need no .env), secrets masked in the record; a value
// too large for Temporal stops the run before it starts, named.
func TestDotEnvOnTemporal(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-dotenv-" + engine.NewRunID()
	writeFiles(t, dir, map[string]string{
		"p.yaml": `name: dotenv_on_temporal
dotenv: client.env
config: {WHO: nobody}
nodes:
  show: {module: exec, with: {command: 'printf "{\"who\": \"%s\", \"pw\": \"%s\"}" "$WHO" "$SERVICE_PASSWORD"'}}
`,
		"client.env": "WHO=dotenv\nSERVICE_PASSWORD=hunter2-on-temporal\n",
		"big.yaml":   "dotenv: big.env\nnodes:\n  x: {module: echo}\n",
		"big.env":    "BIG=" + strings.Repeat("x", 2500*1024) + "\n",
	})
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	run := startDaemon(t, dir, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue)
	select {
	case <-run.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the run did not end:\n%s", run.stderr)
	}
	if code := run.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d:\n%s", code, run.stderr)
	}
	rec := lastRecord(t, dir)
	if out := rec.Nodes["show"].Outputs; out["who"] != "dotenv" || out["pw"] != engine.Masked {
		t.Errorf("the program saw %v, want who=dotenv and the password masked", out)
	}
	if strings.Contains(run.stderr.String(), "hunter2") {
		t.Errorf("the secret shows:\n%s", run.stderr)
	}
	r := pipeIn(t, dir, nil, "run", "big.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--runs-dir", filepath.Join(dir, "big-runs"))
	if r.code == 0 || !strings.Contains(r.stderr, ".env key BIG") {
		t.Errorf("a run with a 2.5 MB dotenv value: exit %d, want it refused naming .env key BIG\n%s", r.code, r.stderr)
	}
}
