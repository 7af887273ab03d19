//go:build !notemporal

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// waitOutput waits until p has written want, and returns what it wrote.
func waitOutput(t *testing.T, p *proc, want string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if out := p.stderr.String(); strings.Contains(out, want) {
			return out
		}
		select {
		case <-p.done:
			t.Fatalf("pipe ended (%d) before it said %q:\n%s", p.cmd.ProcessState.ExitCode(), want, p.stderr)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("pipe did not say %q within %v:\n%s", want, within, p.stderr)
	return ""
}

// runID reads the run's id from a client's JSON log.
func runID(t *testing.T, log string) string {
	t.Helper()
	for line := range strings.Lines(log) {
		var l struct{ Msg, Run string }
		if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "run started on Temporal" {
			return l.Run
		}
	}
	t.Fatalf("no run id in the client's log:\n%s", log)
	return ""
}

// A run on a task queue that no worker polls: the client says so (it
// would look hung), Ctrl-C cancels it, and when a worker comes the run
// ends cancelled without starting its nodes.
func TestTemporalNoWorker(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	queue := "e2e-noworker-" + engine.NewRunID()
	marker := filepath.Join(dir, "ran")
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: lonely
nodes:
  work: {module: exec, with: {command: [touch, `+marker+`]}}
  tidy: {module: echo, needs: work, when: always(), with: {message: tidied}}
`), 0o644)
	client := startDaemon(t, dir, "run", "p.yaml", "--on", on, "--task-queue", queue, "--log-format", "json")
	log := waitOutput(t, client, "no worker polls task queue "+queue, time.Minute)
	if !strings.Contains(log, "pipe worker --temporal "+on+" --task-queue "+queue) {
		t.Errorf("the client does not say how to start a worker:\n%s", log)
	}
	id := runID(t, log)
	res := pipeIn(t, dir, nil, "status", id, "--on", on)
	if res.code != 1 || !strings.Contains(res.stderr, "no worker polls task queue "+queue) {
		t.Errorf("status of a run no worker took: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// One SIGTERM, as a CI job's time-out sends: the cancel cannot be
	// done with no worker, and the client says so and exits, where it
	// waited for ever in silence.
	client.cmd.Process.Signal(syscall.SIGTERM)
	waitOutput(t, client, "cancelling the run on Temporal", time.Minute)
	select {
	case <-client.done:
	case <-time.After(time.Minute):
		client.cmd.Process.Signal(syscall.SIGINT)
		<-client.done
		t.Fatalf("the client waited on a cancel no worker can do:\n%s", client.stderr)
	}
	if code := client.cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("client exited %d after SIGTERM, want %d", code, exitInterrupted)
	}
	for _, want := range []string{"the cancel of run " + id + " cannot finish", "no worker polls task queue " + queue,
		"it stays cancel-requested on Temporal", "pipe status " + id + " --on " + on + " --wait"} {
		if !strings.Contains(client.stderr.String(), want) {
			t.Errorf("the client does not say %q:\n%s", want, client.stderr)
		}
	}
	// The run may go on there: the history keeps it, with how to follow
	// it (it was forgotten here).
	if r := pipeIn(t, dir, nil, "runs"); !strings.Contains(r.stdout, id+"  interrupted") {
		t.Errorf("pipe runs does not list run %s, which its client left going on Temporal:\n%s%s", id, r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "show", id); !strings.Contains(r.stdout, "pipe status "+id+" --on "+on+" --wait") {
		t.Errorf("pipe show of a run its client left going does not say how to follow it: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	res = pipeIn(t, dir, nil, "cancel", id, "--on", on)
	if res.code != 0 || !strings.Contains(res.stderr, "no worker polls task queue "+queue) {
		t.Errorf("pipe cancel of a run no worker takes: %d, want 0 and a warning that no worker polls %s:\n%s", res.code, queue, res.stderr)
	}
	// It runs no program and writes no record: it does not say it does.
	if out := client.stderr.String(); strings.Contains(out, "killing the running programs") || strings.Contains(out, "record is still written") {
		t.Errorf("the client speaks of programs and a record it does not have:\n%s", out)
	}
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	res = pipeIn(t, dir, nil, "status", id, "--on", on, "--wait")
	if res.code != exitInterrupted {
		t.Errorf("status --wait of the cancelled run exited %d:\n%s%s", res.code, res.stdout, res.stderr)
	}
	rec := lastRecord(t, dir)
	if rec.ID != id || rec.Status != engine.StatusCancelled {
		t.Errorf("record %s: %s, want run %s cancelled (status --wait records it in place of the interrupted one)", rec.ID, rec.Status, id)
	}
	if n := rec.Nodes["work"]; n == nil || n.Status != engine.StatusCancelled || !strings.Contains(n.Reason, "not started") {
		t.Errorf("work: %+v, want cancelled, not started", n)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("work ran in a run cancelled before a worker took it")
	}
	if n := rec.Nodes["tidy"]; n == nil || n.Status != engine.StatusSuccess {
		t.Errorf("tidy: %+v, want success (clean-up nodes run)", n)
	}
}

// Ctrl-C on `pipe status --wait` stops watching; the run goes on.
func TestTemporalStatusWaitLeavesTheRun(t *testing.T) {
	addr := temporalAddress(t)
	on := "temporal://" + addr + "/default"
	dir := t.TempDir()
	queue := "e2e-attach-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: watched\nnodes:\n  slow: {module: exec, with: {command: [sleep, \"3\"]}}\n"), 0o644)
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", on, "--task-queue", queue, "--detach")
	id := strings.TrimSpace(res.stdout)
	if res.code != 0 || id == "" {
		t.Fatalf("run --detach: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	watch := startDaemon(t, dir, "status", id, "--on", on, "--wait")
	time.Sleep(500 * time.Millisecond)
	watch.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-watch.done:
	case <-time.After(time.Minute):
		t.Fatalf("Ctrl-C did not end status --wait:\n%s", watch.stderr)
	}
	if code := watch.cmd.ProcessState.ExitCode(); code != exitInterrupted || !strings.Contains(watch.stderr.String(), "it goes on") {
		t.Errorf("status --wait after Ctrl-C: %d\n%s", code, watch.stderr)
	}
	res = pipeIn(t, dir, nil, "status", id, "--on", on, "--wait")
	if res.code != 0 {
		t.Errorf("the run did not go on to succeed: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// The client's machine has no node logs of a run on Temporal: pipe logs
// says which worker has them.
func TestTemporalLogsAreOnTheWorker(t *testing.T) {
	addr := temporalAddress(t)
	client, box := t.TempDir(), t.TempDir()
	queue := "e2e-logs-" + engine.NewRunID()
	os.WriteFile(filepath.Join(client, "p.yaml"), []byte("name: talk\nnodes:\n  say: {module: exec, with: {command: [echo, hello]}}\n"), 0o644)
	startDaemon(t, box, "worker", "--temporal", addr, "--task-queue", queue, "--name", "box-b")
	if res := pipeIn(t, client, nil, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue); res.code != 0 {
		t.Fatalf("run: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, args := range [][]string{{"logs", "last", "say"}, {"logs", "last"}} {
		res := pipeIn(t, client, nil, args...)
		if res.code != 1 || !strings.Contains(res.stderr, "box-b") {
			t.Errorf("pipe %s on the client: %d\n%s%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
		}
	}
	matches, _ := filepath.Glob(filepath.Join(box, ".pipe", "runs", "*", "say.log"))
	if len(matches) != 1 {
		t.Errorf("the worker's machine has %d log files of say, want 1", len(matches))
	}
}

// A --heartbeat no worker can keep is a usage error, before any dial.
func TestTemporalHeartbeatTooShort(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: echo}\n"), 0o644)
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", "temporal://127.0.0.1:1/default", "--heartbeat", "1ms")
	if res.code != exitUsage || !strings.Contains(res.stderr, "--heartbeat 1ms: give at least 2s") {
		t.Errorf("run --heartbeat 1ms: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// What a run on Temporal cannot do is a usage error before it starts (no
// server is dialed): a selection that names no node, as a run here says;
// and now(), which a workflow's replay would read as another time.
func TestTemporalRefusedBeforeItStarts(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: echo, tags: [fast]}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "clock.yaml"), []byte("name: c\nnodes:\n  a: {module: echo, when: 'now().Unix() % 60 < 30'}\n"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"p.yaml", "--only", "zzz"}, `--only: pipeline p has no node "zzz"`},
		{[]string{"p.yaml", "--skip", "zzz"}, `--skip: pipeline p has no node "zzz"`},
		{[]string{"p.yaml", "--tags", "nope"}, "--tags"},
		// Where, and which node: the message once began "now() calls now()".
		{[]string{"clock.yaml"}, "clock.yaml:3:28: node a calls now() in ${{ now().Unix() % 60 < 30 }}: a run on Temporal replays its decisions"},
	} {
		res := pipeIn(t, dir, nil, append(append([]string{"run"}, tt.args...), "--on", "temporal://127.0.0.1:1/default")...)
		if res.code != exitUsage || !strings.Contains(res.stderr, tt.want) || strings.Contains(res.stderr, "127.0.0.1:1") {
			t.Errorf("run %q --on: %d, want %d and %q (before dialing)\n%s%s", tt.args, res.code, exitUsage, tt.want, res.stdout, res.stderr)
		}
	}
	for _, cmd := range []string{"status", "cancel"} {
		res := pipeIn(t, dir, nil, cmd, "", "--on", "temporal://127.0.0.1:1/default")
		if res.code != exitUsage || !strings.Contains(res.stderr, "name the run") {
			t.Errorf("%s '': %d, want %d (before dialing)\n%s%s", cmd, res.code, exitUsage, res.stdout, res.stderr)
		}
	}
}

// --on "$UNSET" is an error, not a run here nobody asked for.
func TestTemporalEmptyOn(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: exec, with: {command: [touch, ran]}}\n"), 0o644)
	for _, args := range [][]string{{"--on", ""}, {"--on="}} {
		res := pipeIn(t, dir, nil, append([]string{"run", "p.yaml"}, args...)...)
		if res.code != exitUsage || !strings.Contains(res.stderr, "--on: empty") {
			t.Errorf("run %q: %d\n%s%s", args, res.code, res.stdout, res.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Error("the pipeline ran here")
	}
}

// --resume with --on is refused before pipe says it resumes.
func TestTemporalResumeRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: echo}\n"), 0o644)
	if res := pipeIn(t, dir, nil, "run", "p.yaml"); res.code != 0 {
		t.Fatalf("run: %d\n%s", res.code, res.stderr)
	}
	res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", "temporal://127.0.0.1:1/default", "--resume", "last")
	if res.code != exitUsage || strings.Contains(res.stderr, "resuming") {
		t.Errorf("run --on --resume: %d\n%s", res.code, res.stderr)
	}
}

// README's two boxes on one queue, one started with --allow-dangerous:
// every dangerous node runs on that one (each run a coin toss before).
func TestTemporalDangerousNodesFindTheirWorker(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-bets-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: bets\nconfig: {ENABLE_DANGEROUS_AI: false}\nnodes:\n  bet: {module: echo, dangerous: true, with: {x: 1}}\n"), 0o644)
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "safe-box")
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "bet-box", "--allow-dangerous")
	for range 4 {
		res := pipeIn(t, dir, nil, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--enable-dangerous-ai", "true")
		if res.code != 0 {
			t.Fatalf("run: %d\n%s%s", res.code, res.stdout, res.stderr)
		}
		if n := lastRecord(t, dir).Nodes["bet"]; n.Worker != "bet-box" {
			t.Errorf("bet ran on %q, want bet-box", n.Worker)
		}
	}
}

// A worker stopped with SIGTERM (a deploy) hands its running node back at
// once: it runs again on the other worker now, not once a heartbeat
// time-out (here a minute) has passed.
func TestTemporalWorkerStopped(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-stop-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: deploy
nodes:
  slow:
    module: exec
    with:
      command: [sh, -c, '[ -e "$MARK" ] || echo $$ > "$MARK"; sleep 3; echo "{\"ok\": true}"']
      env: {MARK: `+filepath.Join(dir, "running")+`}
`), 0o644)
	var workers []*proc
	for i := range 2 {
		workers = append(workers, startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", fmt.Sprintf("w%d", i)))
	}
	run := startDaemon(t, dir, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--heartbeat", "60s")
	var shPid int
	fmt.Sscanf(waitFile(t, filepath.Join(dir, "running"), time.Minute), "%d", &shPid)
	workerRunning(t, workers, shPid).cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-run.done:
	case <-time.After(40 * time.Second):
		t.Fatalf("the run did not end 40s after its worker was stopped (the heartbeat time-out is 60s):\n%s", run.stderr)
	}
	rec := lastRecord(t, dir)
	if n := rec.Nodes["slow"]; rec.Status != engine.StatusSuccess || n.Attempts != 2 {
		t.Errorf("run %s; slow: %s after %d attempts, want success after 2", rec.Status, n.Status, n.Attempts)
	}
	if !strings.Contains(run.stderr.String(), "attempt 1 lost: worker") {
		t.Errorf("the client did not say the attempt was lost:\n%s", run.stderr)
	}
}

// Addresses, queues and bounds that cannot work are usage errors (exit
// 2), before any dial, in pipe run and pipe worker alike.
func TestTemporalUsageErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: echo}\n"), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "p.yaml", "--on", "temporal://127.0.0.1:99999"}, `port "99999" is not a port`},
		{[]string{"run", "p.yaml", "--on", "temporal://127.0.0.1:1/default/extra"}, `one name, the namespace`},
		{[]string{"run", "p.yaml", "--on", "temporal://127.0.0.1:1/default", "--task-queue", ""}, "--task-queue is empty"},
		{[]string{"run", "p.yaml", "--on", "temporal://127.0.0.1:1/default", "--task-queue", " "}, "--task-queue is empty"},
		{[]string{"worker", "--temporal", "127.0.0.1:1", "--task-queue", ""}, "--task-queue is empty"},
		{[]string{"worker", "--temporal", "127.0.0.1:1", "--max-parallel", "0"}, "--max-parallel 0: must be at least 1"},
		{[]string{"worker", "--temporal", "127.0.0.1:1", "--max-parallel", "-3"}, "--max-parallel -3: must be at least 1"},
		{[]string{"worker", "--temporal", "127.0.0.1:99999"}, `port "99999" is not a port`},
	} {
		res := pipeIn(t, dir, nil, tt.args...)
		if res.code != exitUsage || !strings.Contains(res.stderr, tt.want) {
			t.Errorf("pipe %q: exit %d, want %d with %q:\n%s%s", tt.args, res.code, exitUsage, tt.want, res.stdout, res.stderr)
		}
	}
}
