//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A pipeline node on Temporal: the workflow compiles the plan without
// reading the sub-file, a worker loads it and runs the sub-pipeline in
// its activity, and the children reach the record through the node's
// outputs.
func TestNestedPipelineOnTemporal(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-nested-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte(`
name: sub
config: {WHO: nobody}
nodes:
  hello: {module: echo, with: {message: "hello ${{ config.WHO }}"}}
outputs:
  greeting: ${{ nodes.hello.outputs.message }}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: nested_on_temporal
nodes:
  sub:
    module: pipeline
    with: {file: sub.yaml, set: {WHO: temporal}}
  after: {module: echo, needs: sub, with: {got: "${{ nodes.sub.outputs.greeting }}"}}
`), 0o644)
	run := runOnAWorker(t, dir, addr, queue, "p.yaml")
	if code := run.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d:\n%s", code, run.stderr)
	}
	rec := lastRecord(t, dir)
	if got := rec.Nodes["after"].Outputs["got"]; got != "hello temporal" {
		t.Errorf("after got %v, want the sub-pipeline's greeting", got)
	}
	if n := rec.Nodes["sub/hello"]; n == nil || n.Status != engine.StatusSuccess {
		t.Errorf("the sub-pipeline's node is not in the record: %+v", n)
	}
	if _, ok := rec.Nodes["sub"].Outputs["/nodes"]; ok {
		t.Error("the children's records are left in the node's outputs")
	}
}

// A pipeline node that times out on Temporal keeps its children's
// records, as in a local run: the node that ended with its status, the
// one its time-out stopped as cancelled.
func TestTimedOutPipelineNodeOnTemporalKeepsItsChildren(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-nested-timeout-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte(`
name: sub
nodes:
  quick: {module: echo, with: {message: hi}}
  slow: {module: exec, needs: quick, with: {command: "sleep 30"}}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: p
nodes:
  sub: {module: pipeline, timeout: 2s, with: {file: sub.yaml}}
`), 0o644)
	run := runOnAWorker(t, dir, addr, queue, "p.yaml")
	rec := lastRecord(t, dir)
	if n := rec.Nodes["sub"]; n == nil || n.Status != engine.StatusError {
		t.Fatalf("the pipeline node is %+v, want it failed (timed out):\n%s", n, run.stderr)
	}
	for child, want := range map[string]engine.Status{"sub/quick": engine.StatusSuccess, "sub/slow": engine.StatusCancelled} {
		if n := rec.Nodes[child]; n == nil || n.Status != want {
			t.Errorf("%s is %+v in the record, want it %s", child, n, want)
		}
	}
}
