//go:build !notemporal

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// pipe status names a run as pipe show does, from the runs directory:
// last (there, the last run on Temporal), an id's unique start; a run
// that ran here, or none, is said so without asking any server.
func TestStatusNamesARunFromTheHistory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  a: {module: echo}\n"})
	noServer := []string{"PIPE_TEMPORAL_ADDRESS="}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "last, no run at all", args: []string{"status", "last"}, code: 1, want: ".pipe/runs does not exist: no run was recorded there"},
		{name: "last, a local run only", args: []string{"run", "p.yaml"}, code: 0},
		{name: "last, still none on Temporal", args: []string{"status", "last"}, code: 1, want: "no run on Temporal in .pipe/runs"},
		{name: "a local run by its start", args: []string{"status", "2"}, code: 1, want: "ran here, not on Temporal: pipe show "},
		{name: "a record file that is not there", args: []string{"status", "gone.json"}, code: 1, want: "there is no file gone.json"},
	} {
		r := pipeIn(t, dir, noServer, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: pipe %s: exit %d, want %d and %q\n%s%s", tt.name, strings.Join(tt.args, " "), r.code, tt.code, tt.want, r.stdout, r.stderr)
		}
	}
}

// On a server: pipe status last finds the last run on Temporal in the
// history and asks the server it ran on (no --on needed); a run the
// server no longer knows (a dev server restarted), recorded here as
// interrupted with a hint to follow it, is said to be gone, not "no run".
func TestTemporalStatusLastAndARunGone(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	noEnv := []string{"PIPE_TEMPORAL_ADDRESS="}
	writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  a: {module: echo}\n"})
	queue := "e2e-status-last-" + engine.NewRunID() // no worker polls it: the run waits
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", on, "--task-queue", queue, "--detach")
	id := strings.TrimSpace(res.stdout)
	if res.code != 0 || id == "" {
		t.Fatalf("run --detach: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 { // a local run after it
		t.Fatalf("local run: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := pipeIn(t, dir, noEnv, "status", "last")
	if !strings.Contains(r.stderr, "run "+id+" waits for a worker: no worker polls task queue "+queue) {
		t.Errorf("pipe status last: exit %d, want run %s as it stands: waiting for a worker\n%s%s", r.code, id, r.stdout, r.stderr)
	}
	pipeIn(t, dir, nil, "cancel", id, "--on", on)

	// A run of this history the server does not know: its follower died
	// (recovered as interrupted), and the server restarted since.
	gone := &engine.Record{ID: engine.NewRunID(), Pipeline: "p", File: "p.yaml", Status: engine.StatusInterrupted, Remote: on,
		StartedAt: time.Now().UTC(), FinishedAt: time.Now().UTC(), Nodes: map[string]*engine.NodeRecord{},
		Reason: "the pipe following it on " + on + " ended before the run did, which may go on there: pipe status RUN --on " + on + " --wait follows it"}
	if _, err := engine.WriteRecord(filepath.Join(dir, ".pipe", "runs"), gone); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status", gone.ID, "--on", on, "--wait"}, {"status", "last"}} {
		r := pipeIn(t, dir, noEnv, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "run "+gone.ID+" is gone from "+on) || !strings.Contains(r.stderr, "records it interrupted") {
			t.Errorf("pipe %s: exit %d, want the run said gone and recorded interrupted\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
	}
}
