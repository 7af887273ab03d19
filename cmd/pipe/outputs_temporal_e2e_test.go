//go:build !notemporal

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A pipeline's own outputs on Temporal: the workflow evaluates them as
// its run ends, and the client's record and summary have them, as a
// local run's do.
func TestPipelineOutputsOnTemporal(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-outputs-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: outputs_on_temporal
nodes:
  a: {module: echo, with: {x: 21}}
outputs:
  answer: ${{ nodes.a.outputs.x * 2 }}
`), 0o644)
	run := runOnAWorker(t, dir, addr, queue, "p.yaml")
	if code := run.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d:\n%s", code, run.stderr)
	}
	if got := lastRecord(t, dir).Outputs["answer"]; fmt.Sprint(got) != "42" {
		t.Errorf("the record's output answer = %v, want 42\n%s", got, run.stderr)
	}
}
