package main

import (
	"bytes"
	"fmt"
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

// Past summaryLimit nodes, the table lists only the nodes that did not
// succeed; when all did, there is no table at all (a header over no rows
// said nothing).
func TestSummaryOfABigRun(t *testing.T) {
	const n = summaryLimit + 20
	plan := echoPlan(t, n)
	for _, tc := range []struct {
		name     string
		failed   string // a node that failed, or none
		want     []string
		dontWant []string
	}{
		{name: "all succeeded", want: []string{fmt.Sprintf("(%d success)", n)}, dontWant: []string{"NODE", "n7 "}},
		{name: "one failed", failed: "n7", want: []string{"NODE", "n7 ", fmt.Sprintf("(%d success, 1 error)", n-1)}, dontWant: []string{"n8 "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &engine.Record{ID: "r1", Status: engine.StatusSuccess, Nodes: map[string]*engine.NodeRecord{}}
			for i := range n {
				id := fmt.Sprintf("n%d", i)
				rec.Nodes[id] = &engine.NodeRecord{Status: engine.StatusSuccess, Attempts: 1}
				if id == tc.failed {
					rec.Status = engine.StatusError
					rec.Nodes[id] = &engine.NodeRecord{Status: engine.StatusError, Attempts: 1, Message: "exit 1"}
				}
			}
			var out bytes.Buffer
			printSummary(&out, plan, rec, "")
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("summary:\n%s\nwant %q in it", out.String(), w)
				}
			}
			for _, w := range tc.dontWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("summary:\n%s\nwant no %q in it", out.String(), w)
				}
			}
		})
	}
}

// A few nodes of module pipeline make a record of many nodes (their
// children, parent/child): the table lists the few, which are its rows.
func TestSummaryListsFewNodesWithManyChildren(t *testing.T) {
	plan, err := engine.Parse("p.yaml", []byte("name: p\nnodes:\n  a: {module: echo}\n  b: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{ID: "r1", Status: engine.StatusSuccess, Nodes: map[string]*engine.NodeRecord{}}
	for _, id := range []string{"a", "b"} {
		rec.Nodes[id] = &engine.NodeRecord{Status: engine.StatusSuccess, Attempts: 1}
		for k := range summaryLimit {
			rec.Nodes[fmt.Sprintf("%s/n%d", id, k)] = &engine.NodeRecord{Status: engine.StatusSuccess, Attempts: 1}
		}
	}
	var out bytes.Buffer
	printSummary(&out, plan, rec, "")
	for _, want := range []string{"NODE", "\na ", "\nb "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary:\n%s\nwant %q in it", out.String(), want)
		}
	}
}

// Past summaryLimit nodes that did not succeed, the table says how many
// more there are.
func TestSummaryCountsTheFailuresItDoesNotList(t *testing.T) {
	const n = summaryLimit + 20
	plan := echoPlan(t, n)
	rec := &engine.Record{ID: "r1", Status: engine.StatusError, Nodes: map[string]*engine.NodeRecord{}}
	for i := range n {
		rec.Nodes[fmt.Sprintf("n%d", i)] = &engine.NodeRecord{Status: engine.StatusError, Attempts: 1, Message: "exit 1"}
	}
	var out bytes.Buffer
	printSummary(&out, plan, rec, "")
	rows := 0
	for line := range strings.Lines(out.String()) {
		if strings.HasPrefix(line, "n") && strings.Contains(line, " error ") {
			rows++
		}
	}
	if got := rows; got != summaryLimit {
		t.Errorf("%d rows listed, want %d:\n%s", got, summaryLimit, out.String())
	}
	if !strings.Contains(out.String(), "... 20 more") {
		t.Errorf("summary:\n%s\nwant it to say 20 more", out.String())
	}
}

// echoPlan is a pipeline of n echo nodes, n0 to n(n-1).
func echoPlan(t *testing.T, n int) *engine.Plan {
	t.Helper()
	var src strings.Builder
	src.WriteString("name: p\nnodes:\n")
	for i := range n {
		fmt.Fprintf(&src, "  n%d: {module: echo}\n", i)
	}
	plan, err := engine.Parse("p.yaml", []byte(src.String()), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// A failed node's reason, a program's whole exception message on one
// line, is cut in the summary's row and under the table: the record and
// pipe show --json have it whole.
func TestSummaryCutsALongReason(t *testing.T) {
	plan, err := engine.Parse("p.yaml", []byte("name: p\nnodes:\n  a: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	long := "ValueError: " + strings.Repeat("y", 40_000)
	rec := &engine.Record{ID: "r1", Status: engine.StatusError, Nodes: map[string]*engine.NodeRecord{
		"a": {Status: engine.StatusError, Attempts: 1, Message: long + "\nsecond line"},
	}}
	var out bytes.Buffer
	printSummary(&out, plan, rec, "")
	for line := range strings.Lines(out.String()) {
		if len(line) > maxReasonShown+100 {
			t.Fatalf("a line of %d bytes:\n%.200s...", len(line), line)
		}
	}
	if !strings.Contains(out.String(), "ValueError: yyy") || !strings.Contains(out.String(), "...") {
		t.Errorf("summary:\n%.1000s", out.String())
	}
}
