//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// gatedPipeline writes a pipeline whose node first ends at once and whose
// node slow, after it, ends only once the file gate exists: the test
// looks at the run between the two.
func gatedPipeline(t *testing.T, dir, gate string) {
	t.Helper()
	err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: gated
nodes:
  first: {module: exec, with: {command: [sh, -c, 'echo first says hello >&2; echo "{}"']}}
  slow:
    module: exec
    needs: first
    with:
      command: [sh, -c, 'while [ ! -e "$GATE" ]; do sleep 0.1; done; echo "{}"']
      env: {GATE: `+gate+`}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
}

// eventually runs pipe with args in dir until ok takes its result, and
// returns that result; the test fails with the last one after within.
func eventually(t *testing.T, dir string, within time.Duration, ok func(result) bool, args ...string) result {
	t.Helper()
	var r result
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if r = pipeIn(t, dir, nil, args...); ok(r) {
			return r
		}
	}
	t.Fatalf("pipe %s did not come to what the test waits for within %v: exit %d\n%s%s", strings.Join(args, " "), within, r.code, r.stdout, r.stderr)
	return r
}

// While a client follows a run on Temporal, pipe show lists the nodes
// that ended as they ended (the client's journal had no node's end until
// the run's record came), and pipe logs says that the nodes' logs are on
// the workers, naming them, never that the nodes printed nothing.
func TestTemporalRemoteRunShownAsItGoes(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	gatedPipeline(t, dir, gate)
	queue := "e2e-shown-" + engine.NewRunID()
	// The worker keeps its logs elsewhere, as one on another machine does.
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "box-a", "--runs-dir", t.TempDir())
	client := startDaemon(t, dir, "run", "p.yaml", "--on", on, "--task-queue", queue, "--log-format", "json")
	id := runID(t, waitOutput(t, client, "run started on Temporal", time.Minute))

	shown := eventually(t, dir, 30*time.Second, func(r result) bool {
		return r.code == 0 && strings.Contains(r.stdout, "first  success")
	}, "show", id)
	for _, want := range []string{"run " + id + ": running", "on " + on, "slow   -", "running or waiting: not ended yet"} {
		if !strings.Contains(shown.stdout, want) {
			t.Errorf("pipe show of the run going does not say %q:\n%s", want, shown.stdout)
		}
	}
	if r := pipeIn(t, dir, nil, "show", id, "--json"); !strings.Contains(r.stdout, `"worker": "box-a"`) {
		t.Errorf("pipe show --json of the run going does not name the worker that ran first:\n%s", r.stdout)
	}

	r := pipeIn(t, dir, nil, "logs", id)
	if r.code != 1 || !strings.Contains(r.stderr, "runs on Temporal ("+on+"), so far on worker(s) box-a") ||
		!strings.Contains(r.stderr, "--runs-dir") || strings.Contains(r.stderr, "printed nothing") {
		t.Errorf("pipe logs of a run going on Temporal: exit %d, want 1 saying the logs are on worker box-a:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "logs", id, "first")
	if r.code != 1 || !strings.Contains(r.stderr, "node first of run "+id+" ran on Temporal worker box-a") || strings.Contains(r.stderr, "printed nothing") {
		t.Errorf("pipe logs of a node that ran on a worker: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "logs", id, "slow")
	if r.code != 1 || !strings.Contains(r.stderr, "node slow's log, if it printed anything, is on the machine of the worker that ran it") {
		t.Errorf("pipe logs of a node running on a worker: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// -f waited for ever for logs that are never written here.
	lf := startDaemon(t, dir, "logs", id, "-f")
	select {
	case <-lf.done:
		if code := lf.cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(lf.stderr.String(), "runs on Temporal") {
			t.Errorf("pipe logs -f of a run going on Temporal: exit %d, want 1 saying where its logs are:\n%s", code, lf.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("pipe logs -f of a run going on Temporal waits for logs that are never written here:\n%s", lf.stderr)
	}

	os.WriteFile(gate, nil, 0o644)
	select {
	case <-client.done:
	case <-time.After(time.Minute):
		t.Fatalf("the run did not end:\n%s", client.stderr)
	}
	if code := client.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d:\n%s", code, client.stderr)
	}
	if rec := lastRecord(t, dir); rec.Remote != on || rec.Nodes["slow"].Worker != "box-a" {
		t.Errorf("record: remote %q, slow's worker %q", rec.Remote, rec.Nodes["slow"].Worker)
	}
	r = pipeIn(t, dir, nil, "logs", id)
	if r.code != 1 || !strings.Contains(r.stderr, "ran on Temporal ("+on+"), on worker(s) box-a") {
		t.Errorf("pipe logs of a run that ran on Temporal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A run started with --detach is in the runs directory's history: listed
// detached with how to follow it (never interrupted: no pipe died), then
// running while pipe status --wait follows it, detached again when that
// pipe is killed, and, once one follows it to its end, as it ended.
func TestTemporalDetachedRunInHistory(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	gatedPipeline(t, dir, gate)
	queue := "e2e-detached-" + engine.NewRunID()
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "box-b", "--runs-dir", t.TempDir())
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", on, "--task-queue", queue, "--detach")
	id := strings.TrimSpace(res.stdout)
	if res.code != 0 || id == "" {
		t.Fatalf("run --detach: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	follow := "pipe status " + id + " --on " + on + " --wait"

	r := pipeIn(t, dir, nil, "runs")
	if !strings.Contains(r.stdout, id+"  detached") || !strings.Contains(r.stderr, follow) || strings.Contains(r.stderr, "recovered") {
		t.Errorf("pipe runs of a detached run: exit %d, want it listed detached with %q:\n%s%s", r.code, follow, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "show", id)
	if r.code != 0 || !strings.Contains(r.stdout, "run "+id+": detached") || !strings.Contains(r.stdout, "pipe status "+id+" --on "+on) ||
		strings.Contains(r.stdout+r.stderr, "interrupted") {
		t.Errorf("pipe show of a detached run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "logs", id)
	if r.code != 1 || !strings.Contains(r.stderr, "started with --detach") || strings.Contains(r.stderr, "printed nothing") {
		t.Errorf("pipe logs of a detached run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A pipe that follows it takes up its journal: running, with the
	// nodes that end. Killed, it leaves the run detached, not interrupted.
	watch := startDaemon(t, dir, "status", id, "--on", on, "--wait")
	eventually(t, dir, 30*time.Second, func(r result) bool { return strings.Contains(r.stdout, "first  success") }, "show", id)
	if r := pipeIn(t, dir, nil, "runs"); !strings.Contains(r.stdout, id+"  running") {
		t.Errorf("pipe runs while pipe status --wait follows the detached run:\n%s%s", r.stdout, r.stderr)
	}
	watch.cmd.Process.Signal(syscall.SIGKILL)
	<-watch.done
	r = pipeIn(t, dir, nil, "runs")
	if !strings.Contains(r.stdout, id+"  detached") || strings.Contains(r.stdout+r.stderr, "interrupted") {
		t.Errorf("pipe runs after the pipe following a detached run was killed: want it detached\n%s%s", r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "show", id); !strings.Contains(r.stdout, "first  success") {
		t.Errorf("pipe show of the detached run forgot the node a pipe saw end:\n%s%s", r.stdout, r.stderr)
	}

	os.WriteFile(gate, nil, 0o644)
	res = pipeIn(t, dir, nil, "status", id, "--on", on, "--wait")
	if res.code != 0 {
		t.Fatalf("pipe status --wait exited %d:\n%s%s", res.code, res.stdout, res.stderr)
	}
	if rec := lastRecord(t, dir); rec.ID != id || rec.Status != engine.StatusSuccess || rec.Remote != on {
		t.Errorf("record of the detached run: %s %s remote %q", rec.ID, rec.Status, rec.Remote)
	}
	if _, err := os.Stat(filepath.Join(dir, ".pipe", "runs", id+engine.JournalSuffix)); err == nil {
		t.Error("the detached run's journal is left after its record was written")
	}
	if r := pipeIn(t, dir, nil, "runs"); !strings.Contains(r.stdout, id+"  success") {
		t.Errorf("pipe runs of the detached run once followed to its end:\n%s%s", r.stdout, r.stderr)
	}
}

// A detached run that ended, which pipe status (no --wait) then shows,
// lands in the history as it ended: status says so where it is listed.
func TestTemporalDetachedRunRecordedByStatus(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: quick\nnodes:\n  hi: {module: echo, with: {x: 1}}\n"), 0o644)
	queue := "e2e-detached-status-" + engine.NewRunID()
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--runs-dir", t.TempDir())
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", on, "--task-queue", queue, "--detach")
	id := strings.TrimSpace(res.stdout)
	if res.code != 0 || id == "" {
		t.Fatalf("run --detach: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	r := eventually(t, dir, time.Minute, func(r result) bool {
		return r.code == 0 && !strings.Contains(r.stdout, "is running") && strings.Contains(r.stdout, "success")
	}, "status", id, "--on", on)
	if !strings.Contains(r.stdout, "record: ") {
		t.Errorf("pipe status of an ended detached run does not say where it recorded it:\n%s", r.stdout)
	}
	if rec := lastRecord(t, dir); rec.ID != id || rec.Status != engine.StatusSuccess {
		t.Errorf("record: %s %s", rec.ID, rec.Status)
	}
	if r := pipeIn(t, dir, nil, "runs"); !strings.Contains(r.stdout, id+"  success") || strings.Contains(r.stderr, "--detach") {
		t.Errorf("pipe runs once status saw the detached run end:\n%s%s", r.stdout, r.stderr)
	}
}
