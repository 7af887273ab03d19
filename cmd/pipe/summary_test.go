package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// The summary of a run that goes on (pipe status of a run on Temporal)
// counts its running and pending nodes and says how long it has run.
func TestSummaryOfARunThatGoesOn(t *testing.T) {
	plan, err := engine.Parse("p.yaml", []byte("name: p\nnodes:\n  a: {module: echo}\n  b: {module: echo, needs: a}\n  c: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{ID: "r1", Status: engine.StatusRunning, StartedAt: time.Now().Add(-time.Hour), Nodes: map[string]*engine.NodeRecord{
		"a": {Status: engine.StatusRunning}, "b": {Status: engine.StatusPending}, "c": {Status: engine.StatusSuccess, Attempts: 1},
	}}
	var out bytes.Buffer
	printSummary(&out, plan, rec, "")
	if want := "run r1: running for 1h0m0s (1 running, 1 pending, 1 success)"; !strings.Contains(out.String(), want) {
		t.Errorf("summary:\n%s\nwant %q", out.String(), want)
	}
}

// writeCounter counts the writes it is given.
type writeCounter struct {
	bytes.Buffer
	writes int
}

func (w *writeCounter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// The summary reaches stdout in one write, not one per table cell: on a
// file or a pipe each is a system call, and a 50-node run made 500.
func TestSummaryIsOneWrite(t *testing.T) {
	plan, err := engine.Parse("p.yaml", []byte("name: p\nnodes:\n  a: {module: echo}\n  b: {module: echo, needs: a}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{ID: "r1", Status: engine.StatusSuccess, Nodes: map[string]*engine.NodeRecord{
		"a": {Status: engine.StatusSuccess, Attempts: 1}, "b": {Status: engine.StatusSuccess, Attempts: 1},
	}}
	var out writeCounter
	printSummary(&out, plan, rec, "runs/r1.json")
	if out.writes != 1 || !strings.Contains(out.String(), "record: runs/r1.json") {
		t.Errorf("%d writes of:\n%s\nwant 1", out.writes, out.String())
	}
}
