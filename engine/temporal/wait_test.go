package temporal_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// submitOnly starts src on queue q (a pipeline timeout of timeout) and
// does not follow it; the run is ended when the test ends. ctx bounds the
// test's calls.
func submitOnly(t *testing.T, c client.Client, q, src string, timeout time.Duration) (context.Context, temporal.RunInput) {
	t.Helper()
	in := runInput(t, src, nil)
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(stop)
	if err := temporal.Submit(ctx, c, in, q, timeout); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.TerminateWorkflow(context.Background(), in.RunID, "", "test over") })
	return ctx, in
}

// A run on a queue no worker polls says so, rather than look hung; a
// read of how it stands says so too.
func TestFollowerTellsNoWorker(t *testing.T) {
	c := server(t)
	q := queue(t)
	ctx, in := submitOnly(t, c, q, "name: lonely\nnodes:\n  a: {module: echo, with: {x: 1}}\n", 0)
	hurry := make(chan struct{})
	var told []temporal.Stall
	f := &temporal.Follower{Client: c, Order: []string{"a"}, OnEvent: func(engine.Event) {}, Hurry: hurry,
		StallAfter: 300 * time.Millisecond,
		OnStall: func(s temporal.Stall) {
			told = append(told, s)
			close(hurry)
		}}
	_, err := f.Follow(ctx, in.RunID)
	if !errors.Is(err, temporal.ErrDetached) {
		t.Fatalf("follow: %v, want it detached once told of the stall", err)
	}
	if len(told) != 1 || told[0].Queue != q || told[0].Pollers != 0 || told[0].Nodes != 0 {
		t.Fatalf("stalls told: %+v, want one on queue %s with no poller", told, q)
	}
	_, running, err := temporal.Status(ctx, c, in.RunID)
	var we *temporal.WaitError
	if !errors.As(err, &we) || !running || we.Stall.Queue != q {
		t.Errorf("status of a run no worker took: running %v, %v; want a *WaitError on queue %s", running, err, q)
	}
	// The pipeline is read from the run's history, with no worker up.
	src, err := temporal.Source(ctx, c, in.RunID)
	if err != nil || string(src.Source) != string(in.Source) || src.RunID != in.RunID {
		t.Errorf("source of a run no worker took: %v, %q", err, src.Source)
	}
}

// Ctrl-C on a follower that is only attached (pipe status --wait) stops
// the following at once, not the run.
func TestAttachedFollowerLeavesTheRun(t *testing.T) {
	c := server(t)
	q := queue(t)
	ctx, in := submitOnly(t, c, q, "name: watched\nnodes:\n  a: {module: echo, with: {x: 1}}\n", 0)
	fctx, interrupt := context.WithCancel(ctx)
	f := &temporal.Follower{Client: c, Attached: true, OnStall: func(temporal.Stall) { interrupt() }, StallAfter: 100 * time.Millisecond}
	if _, err := f.Follow(fctx, in.RunID); !errors.Is(err, temporal.ErrDetached) {
		t.Fatalf("follow: %v, want ErrDetached", err)
	}
	desc, err := c.DescribeWorkflowExecution(ctx, in.RunID, "")
	if err != nil {
		t.Fatal(err)
	}
	if hist := desc.GetWorkflowExecutionInfo().GetHistoryLength(); hist > 2 {
		t.Errorf("the run's history has %d events: the attached follower asked it to stop", hist)
	}
}

// A run cancelled before any worker took it starts no node when one
// comes: its nodes are cancelled, not started; clean-up nodes still run.
func TestCancelBeforeAnyWorker(t *testing.T) {
	c := server(t)
	q := queue(t)
	dir := t.TempDir()
	ran, tidied := filepath.Join(dir, "ran"), filepath.Join(dir, "tidied")
	ctx, in := submitOnly(t, c, q, `
name: early
nodes:
  work: {module: exec, with: {command: [touch, `+ran+`]}}
  tidy: {module: exec, needs: work, when: always(), with: {command: [touch, `+tidied+`]}}
`, 0)
	if err := temporal.Cancel(ctx, c, in.RunID); err != nil {
		t.Fatal(err)
	}
	startWorker(t, c, q, false)
	rec, err := (&temporal.Follower{Client: c}).Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s (%s), want cancelled", rec.Status, rec.Reason)
	}
	nodeIs(t, rec, "work", engine.StatusCancelled, "not started")
	if _, err := os.Stat(ran); err == nil {
		t.Error("work ran in a run cancelled before it started")
	}
	nodeIs(t, rec, "tidy", engine.StatusSuccess, "")
	replay(t, c, rec.ID)
}

// A cancel reaches a running node's program within a heartbeat or so,
// not after the SDK's throttle (80% of the heartbeat time-out): the
// pipeline's time-out stops the program before it writes its marker.
func TestCancelReachesTheProgramSoon(t *testing.T) {
	c, q := onWorker(t)
	marker := filepath.Join(t.TempDir(), "finished")
	src := `
name: prompt
timeout: 3s
nodes:
  long: {module: exec, with: {command: [sh, -c, 'sleep 7; touch ` + marker + `']}}
`
	ctx, in := submitOnly(t, c, q, src, 3*time.Second)
	rec, err := (&temporal.Follower{Client: c}).Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	nodeIs(t, rec, "long", engine.StatusCancelled, "pipeline timed out")
	if _, err := os.Stat(marker); err == nil {
		t.Error("the program ran to its end: the cancel reached it 4s after the pipeline's time-out or later")
	}
}

// The record names the worker that ran each node, failed or not: its
// log file is on that machine.
func TestRecordNamesTheWorker(t *testing.T) {
	c, q := onWorker(t)
	rec := submit(t, c, q, `
name: where
nodes:
  ok: {module: echo, with: {x: 1}}
  broken: {module: exec, with: {command: [sh, -c, 'exit 3']}}
  pause: {module: wait, with: {duration: 10ms}}
`, nil, 0)
	for id, want := range map[string]string{"ok": "test-" + q, "broken": "test-" + q, "pause": ""} {
		if got := rec.Nodes[id].Worker; got != want {
			t.Errorf("node %s ran on worker %q, want %q", id, got, want)
		}
	}
}

// A cancel of a run that has ended says so: Temporal would take it and do
// nothing.
func TestCancelOfAnEndedRun(t *testing.T) {
	c, q := onWorker(t)
	rec := submit(t, c, q, "name: done\nnodes:\n  a: {module: echo, with: {x: 1}}\n", nil, 0)
	err := temporal.Cancel(context.Background(), c, rec.ID)
	if err == nil || !strings.Contains(err.Error(), "has ended (completed)") {
		t.Errorf("cancel of an ended run: %v", err)
	}
}

// A node whose attempts are lost again and again (here: a heartbeat
// time-out no worker can keep) fails in words that say so.
func TestNodeLostTooOften(t *testing.T) {
	c, q := onWorker(t)
	rec := submit(t, c, q, "name: lost\nnodes:\n  s: {module: exec, with: {command: [sleep, \"30\"]}}\n", nil, 50*time.Millisecond)
	n := nodeIs(t, rec, "s", engine.StatusError, "lost with its worker 4 times: each stopped heartbeating for 50ms")
	if text := n.Reason + " " + n.Message; strings.Contains(text, "scheduledEventID") || strings.Contains(text, "activity Heartbeat timeout") {
		t.Errorf("s's reason is in the SDK's words: %s", text)
	}
	if n.Attempts != 4 {
		t.Errorf("s ran %d attempts, want 4 (3 lost and run again, the 4th lost for good)", n.Attempts)
	}
}

// Nodes that queue for a busy worker are no stall: nothing is told.
func TestBusyWorkerIsNoStall(t *testing.T) {
	c := server(t)
	q := queue(t)
	acts := &temporal.Activities{Registry: modules.Default, Worker: "busy", RunsDir: t.TempDir(), Client: c}
	w := temporal.NewWorker(c, q, 1, acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	ctx, in := submitOnly(t, c, q, "name: queued\nnodes:\n  a: {module: exec, with: {command: [sleep, \"4\"]}}\n  b: {module: exec, with: {command: [sleep, \"4\"]}}\n", 0)
	var told []temporal.Stall
	f := &temporal.Follower{Client: c, StallAfter: 1500 * time.Millisecond, OnStall: func(s temporal.Stall) { told = append(told, s) }}
	rec, err := f.Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusSuccess || len(told) > 0 {
		t.Errorf("run %s; stalls told: %+v, want none", rec.Status, told)
	}
}

// A dangerous node goes to a worker that allows it, not to whichever
// worker of the queue polls first (README's two boxes: one may place
// bets); till one comes, the follower says what the node waits for.
func TestDangerousNodeWaitsForAWorkerThatAllowsIt(t *testing.T) {
	c, q := onWorker(t)
	in := runInput(t, "name: bets\nconfig: {ENABLE_DANGEROUS_AI: true}\nnodes:\n  bet: {module: echo, dangerous: true, with: {x: 1}}\n", nil)
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	var told []temporal.Stall
	f := &temporal.Follower{Client: c, StallAfter: 300 * time.Millisecond, OnStall: func(s temporal.Stall) {
		if s.Dangerous { // not a slow workflow task of a loaded machine
			told = append(told, s)
			startWorker(t, c, q, true)
		}
	}}
	rec, err := f.Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	n := nodeIs(t, rec, "bet", engine.StatusSuccess, "")
	if n.Worker != "test-"+q || n.Attempts != 1 {
		t.Errorf("bet ran on %q after %d attempts", n.Worker, n.Attempts)
	}
	if len(told) != 1 || !told[0].Dangerous || told[0].Queue != temporal.DangerousQueue(q) {
		t.Errorf("stalls told: %+v, want one of a dangerous node on %s", told, temporal.DangerousQueue(q))
	}
}

// A follower hears why a running node runs again, as a local run logs it.
func TestFollowerTellsRetries(t *testing.T) {
	c, q := onWorker(t)
	flag := filepath.Join(t.TempDir(), "flag")
	ctx, in := submitOnly(t, c, q, `
name: again
nodes:
  flaky:
    module: exec
    retries: {limit: 1, backoff: 1s}
    with: {command: [sh, -c, 'test -e `+flag+` || { touch `+flag+`; echo first >&2; exit 1; }']}
`, 0)
	var heard []string
	f := &temporal.Follower{Client: c, Order: []string{"flaky"}, OnRetry: func(node, why, err string) {
		heard = append(heard, node+": "+why+": "+err)
	}}
	rec, err := f.Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	nodeIs(t, rec, "flaky", engine.StatusSuccess, "")
	if len(heard) != 1 || !strings.Contains(heard[0], "flaky: attempt 1 failed, retrying in 1s: ") || !strings.Contains(heard[0], "first") {
		t.Errorf("retries heard: %q", heard)
	}
	if n := rec.Nodes["flaky"]; n.Reason != "" || strings.Contains(n.Message, "first") {
		t.Errorf("the record keeps a note of a retry: reason %q, message %q", n.Reason, n.Message)
	}
}

// A cancel needs a worker to act on it: with none on the run's queue,
// a follower asked to stop says so and returns, rather than wait for
// ever in silence; the run stays cancel-requested, and a worker that
// comes ends it.
func TestCancelWithNoWorkerReturns(t *testing.T) {
	c := server(t)
	q := queue(t)
	ctx, in := submitOnly(t, c, q, "name: lonely\nnodes:\n  a: {module: exec, with: {command: [sleep, '60']}}\n", 0)
	fctx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	f := &temporal.Follower{Client: c, Order: []string{"a"}, Hurry: hangGuard(t),
		StallAfter: 300 * time.Millisecond, OnStall: func(temporal.Stall) { interrupt() }}
	_, err := f.Follow(fctx, in.RunID)
	var stuck *temporal.CancelStuckError
	if !errors.As(err, &stuck) || stuck.Stall.Queue != q || stuck.Stall.Pollers != 0 ||
		!strings.Contains(err.Error(), "no worker polls task queue "+q) {
		t.Fatalf("follow, cancelled with no worker: %v; want a *CancelStuckError saying no worker polls %s", err, q)
	}
	startWorker(t, c, q, false)
	rec, err := (&temporal.Follower{Client: c, Hurry: hangGuard(t)}).Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s (%s), want cancelled once a worker came", rec.Status, rec.Reason)
	}
	nodeIs(t, rec, "a", engine.StatusCancelled, "not started")
}

// hangGuard is a follower's Hurry that ends a wait the test would
// otherwise hang on.
func hangGuard(t *testing.T) <-chan struct{} {
	ch := make(chan struct{})
	timer := time.AfterFunc(45*time.Second, func() { close(ch) })
	t.Cleanup(func() { timer.Stop() })
	return ch
}

// A run whose workflow task fails on its worker, again and again (as one
// over the payload limit did), is not "waiting for a worker": status and
// a follower asked to stop say that it fails, where to look, and return.
func TestRunWhoseWorkflowTaskFails(t *testing.T) {
	c := server(t)
	q := queue(t)
	w := worker.New(c, q, worker.Options{})
	w.RegisterWorkflowWithOptions(func(workflow.Context, temporal.RunInput) ([]byte, error) { panic("broken on purpose") },
		workflow.RegisterOptions{Name: temporal.WorkflowName})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	ctx, in := submitOnly(t, c, q, "name: broken\nnodes:\n  a: {module: echo, with: {x: 1}}\n", 0)
	fctx, interrupt := context.WithCancel(ctx)
	defer interrupt()
	f := &temporal.Follower{Client: c, Order: []string{"a"}, Hurry: hangGuard(t),
		StallAfter: 300 * time.Millisecond, OnStall: func(temporal.Stall) { interrupt() }}
	_, err := f.Follow(fctx, in.RunID)
	var stuck *temporal.CancelStuckError
	if !errors.As(err, &stuck) || stuck.Stall.Failed == 0 || !strings.Contains(err.Error(), "its workflow task failed") {
		t.Fatalf("follow of a run whose task fails, cancelled: %v; want a *CancelStuckError saying its workflow task fails", err)
	}
	_, _, err = temporal.Status(ctx, c, in.RunID)
	var we *temporal.WaitError
	if !errors.As(err, &we) || we.Stall.Failed == 0 || strings.Contains(err.Error(), "busy, or gone") {
		t.Errorf("status of a run whose task fails: %v; want a *WaitError saying its workflow task fails", err)
	}
}
