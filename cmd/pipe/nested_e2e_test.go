package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A pipeline run as a node, as a user runs it: its outputs reach the
// parent, its nodes are in the record as node/child (per instance under
// foreach), the graph draws it as a cluster, and a cycle of inclusion is
// an error at its line.
func TestNestedPipelineEndToEnd(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "testdata/nested/nested.yaml", "--runs-dir", runs)
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = pipe(t, "show", "last", "--runs-dir", runs, "--json")
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("show --json: %v\n%s", err, r.stdout)
	}
	if got := rec.Nodes["england"].Outputs["summary"]; got != "england: 380 matches, 2+ goals" {
		t.Errorf("england's declared output summary is %v", got)
	}
	if got := rec.Nodes["compare"].Outputs["total"]; got != float64(1140) {
		t.Errorf("compare's total is %v, want 1140 (the sub-pipelines' matches summed)", got)
	}
	for _, id := range []string{"england/fetch", "england/report", "per_league[germany]/fetch", "per_league[italy]/report"} {
		if n := rec.Nodes[id]; n == nil || n.Status != engine.StatusSuccess {
			t.Errorf("record of %s: %+v", id, n)
		}
	}
	if got := rec.Nodes["per_league[italy]/fetch"].Outputs["league"]; got != "italy" {
		t.Errorf("per_league[italy]/fetch read LEAGUE %v from set", got)
	}
	r = pipe(t, "show", "last", "--runs-dir", runs)
	if !strings.Contains(r.stdout, "england/report") || strings.Index(r.stdout, "per_league[germany]/report") > strings.Index(r.stdout, "per_league[italy] ") {
		t.Errorf("show does not list each sub-pipeline's nodes after its node:\n%s", r.stdout)
	}
	r = pipe(t, "graph", "testdata/nested/nested.yaml", "--run", "last", "--runs-dir", runs)
	if !strings.Contains(r.stdout, `subgraph "cluster_england" {`) || !strings.Contains(r.stdout, `"england/fetch" -> "england/report";`) {
		t.Errorf("graph does not draw the sub-pipeline as a cluster:\n%s", r.stdout)
	}
	r = pipe(t, "validate", "testdata/nested/bad/cycle_a.yaml")
	if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "cycle_b.yaml:5:12: node back: pipeline files include each other in a cycle: cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml") {
		t.Errorf("validate of a cycle of inclusion: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// pipe logs shows what a sub-pipeline's programs printed: one child's by
// its id, node/child, and the pipeline node's children's under its id.
func TestNestedPipelineLogs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sub.yaml", `
nodes:
  talk: {module: exec, with: {command: [sh, -c, 'echo hello from the child >&2']}}
`)
	write("p.yaml", `
nodes:
  sub: {module: pipeline, with: {file: sub.yaml}}
  fan: {module: pipeline, foreach: [de, it], with: {file: sub.yaml}}
`)
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// One instance of a foreach pipeline node: its children's logs.
	if r := pipeIn(t, dir, nil, "logs", "last", "fan[de]"); r.code != 0 || !strings.Contains(r.stdout, "[fan[de]/talk] ") || strings.Contains(r.stdout, "fan[it]") {
		t.Errorf("logs of fan[de]: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A node id names a file in the run's directory, never one elsewhere.
	write(".pipe/secret.log", "secret\n")
	if r := pipeIn(t, dir, nil, "logs", "last", "sub/../../../secret"); r.code != 2 || strings.Contains(r.stdout, "secret") || !strings.Contains(r.stderr, "is not a node id") {
		t.Errorf("logs of a path out of the run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := pipeIn(t, dir, nil, "logs", "last", "sub/talk")
	if !strings.Contains(r.stdout, "hello from the child") {
		t.Errorf("logs of sub/talk:\n%s%s", r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"logs", "last", "sub"}, {"logs", "last"}} {
		r = pipeIn(t, dir, nil, args...)
		if !strings.Contains(r.stdout, "[sub/talk] ") || !strings.Contains(r.stdout, "hello from the child") {
			t.Errorf("pipe %s does not show the child's log:\n%s%s", strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
}

// pipe logs says why there is nothing to show: a node that never ran, a
// run whose nodes printed nothing, no run named.
func TestLogsSaysWhyThereIsNone(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("nodes:\n  a: {module: echo}\n  b: {module: exec, when: \"1 > 2\", with: {command: echo x}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"logs", "last", "b"}, 1, "never ran (skipped: when is false"},
		{[]string{"logs", "last"}, 0, "left no output"},
		{[]string{"logs", "", ""}, 2, "name a run"},
	} {
		r := pipeIn(t, dir, nil, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("pipe %q: exit %d, want %d and %q on stderr\n%s%s", tt.args, r.code, tt.code, tt.want, r.stdout, r.stderr)
		}
	}
}

// pipe explain predicts a run's length from the last run's durations,
// along the chain that takes longest; nodes this run would skip take no
// time and are not on the chain.
func TestExplainPredictsWithoutSkippedNodes(t *testing.T) {
	dir := t.TempDir()
	src := "nodes:\n  a: {module: exec, with: {command: [sleep, '0.05']}}\n  b: {module: exec, needs: a, with: {command: [sleep, '0.3']}}\n  c: {module: exec, needs: a, with: {command: [sleep, '0.1']}}\n"
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "explain", "p.yaml"); r.code != 0 || !strings.Contains(r.stdout, "along a -> b ") {
		t.Errorf("explain: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "explain", "p.yaml", "--skip", "b"); r.code != 0 || !strings.Contains(r.stdout, "along a -> c ") {
		t.Errorf("explain --skip b: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
