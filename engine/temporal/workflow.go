package temporal

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// changeCancelFirst marks (workflow.GetVersion) the runs that check for
// a cancel before they open.
const changeCancelFirst = "cancel-before-open"

// changePendingBound marks the runs that keep at most MaxPendingNodes
// nodes pending.
const changePendingBound = "pending-bound"

// changeWaitTimeout marks the runs whose `wait` nodes time out at their
// node's time-out (they waited their whole duration). Asked only of a
// wait longer than its node's time-out.
const changeWaitTimeout = "wait-timeout"

// changeTaskBound marks the runs that fail a node whose task is over
// maxTaskJSON rather than schedule it (the server refused such a task,
// and the run stopped for good). Asked only of a task that large: a run
// started before replays as it ran.
const changeTaskBound = "task-bound"

// changeBackoffSlot marks the runs whose nodes give up their slot of the
// run's max_parallel while they wait out a retry's back-off (they kept
// it, and the others waited). Asked at a run's first back-off.
const changeBackoffSlot = "backoff-slot"

// changeOutputReads marks the runs that fail any expression reading an
// output its node did not give (inside && or !, an input, a foreach: see
// engine.OutputReads), where only a `when` that came out null failed.
const changeOutputReads = "output-reads"

// Workflows holds the workflow of a pipe run, with the modules it compiles
// pipelines against.
type Workflows struct {
	Registry *modules.Registry
}

// Run is the workflow of one pipe run: it compiles the pipeline, then
// drives the scheduling core with the events of its nodes' activities
// (and of its timers: `wait` nodes, back-off between retries, the
// pipeline's time-out) until no node runs, and returns the run record as
// JSON. Everything here is deterministic: the core decides, the SDK's
// clock and coroutines do the rest.
func (w *Workflows) Run(ctx workflow.Context, input RunInput) ([]byte, error) {
	plan, err := engine.ParseRemote(input.File, input.Source, w.Registry, input.Declared)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidPipeline", nil)
	}
	plan.BaseDir = input.BaseDir // the client's, from the project's root
	opts, err := input.options(plan)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", nil)
	}
	opts.Submitted = workflow.GetInfo(ctx).WorkflowStartTime
	if workflow.GetVersion(ctx, changeOutputReads, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		// Started before: replayed, it reads outputs as it did.
		opts.OutputReads = engine.OutputReadsNullWhen
	}
	if workflow.GetVersion(ctx, changePendingBound, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		// Started before the bound: replayed, it decides as it did.
		opts.MaxParallel = input.MaxParallel
		if opts.MaxParallel <= 0 {
			opts.MaxParallel = math.MaxInt32
		}
	}
	sched, err := engine.NewScheduler(plan, opts, func() time.Time { return workflow.Now(ctx) }, nil)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", nil)
	}
	var r *runLoop
	if err := workflow.SetQueryHandler(ctx, QueryRecord, func() ([]byte, error) {
		return fitRecord(r.annotate(sched.Snapshot(), true))
	}); err != nil {
		return nil, err
	}
	// version counts the turns of the run loop: a follower that read a
	// version reads the nodes again only once it has moved.
	version := 0
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func(since int) (Progress, error) {
		if since == version {
			return Progress{Version: version}, nil
		}
		rec := r.annotate(sched.Snapshot(), true)
		for _, n := range rec.Nodes {
			n.Inputs, n.Outputs = nil, nil
		}
		return Progress{Version: version, Record: rec}, nil
	}); err != nil {
		return nil, err
	}
	if err := workflow.SetQueryHandler(ctx, QuerySource, func() (RunInput, error) {
		return RunInput{File: input.File, Source: input.Source, RunID: input.RunID, Declared: input.Declared}, nil
	}); err != nil {
		return nil, err
	}

	// The loop runs on a context that outlives a cancel of the workflow:
	// after a cancel it still hears its nodes end and runs clean-up nodes.
	loop, _ := workflow.NewDisconnectedContext(ctx)
	nodesCtx, stopNodes := workflow.WithCancel(loop)
	cleanupCtx, stopCleanup := workflow.WithCancel(loop)
	heartbeat := input.Heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	// One selector hears every node's activity or timer: a coroutine per
	// node would cost the SDK a goroutine switch per node per workflow
	// task.
	r = &runLoop{sched: sched, sel: workflow.NewSelector(loop), nodesCtx: nodesCtx, cleanupCtx: cleanupCtx,
		d:       &driver{queue: input.TaskQueue, heartbeat: heartbeat, dangerousWait: input.DangerousWait},
		workers: map[string]string{}, retrying: map[string]retryNote{}, resuming: map[string]*nodeRun{}}
	if r.d.queue == "" {
		r.d.queue = workflow.GetInfo(ctx).TaskQueueName
	}
	if r.d.dangerousWait <= 0 {
		r.d.dangerousWait = DefaultDangerousWait
	}
	cancel := func(cause error) {
		if r.cancelled {
			return
		}
		r.cancelled = true
		stopNodes()
		r.launch(sched.Cancel(cause))
		r.endResuming()
	}
	// A run cancelled before a worker took it starts no node but its
	// clean-up nodes, as a local run cancelled before it opened. Runs
	// started by an older pipe opened first: they replay as they ran.
	if ctx.Err() != nil && workflow.GetVersion(ctx, changeCancelFirst, workflow.DefaultVersion, 1) == 1 {
		cancel(engine.ErrInterrupted)
	}
	r.launch(sched.Open())
	version = 1

	// A cancel of the workflow is told once, through a channel: its Done
	// channel stays ready, and would be chosen again and again.
	cancelled := workflow.NewBufferedChannel(loop, 1)
	workflow.Go(ctx, func(g workflow.Context) {
		g.Done().Receive(g, nil)
		cancelled.Send(g, true)
	})
	r.sel.AddReceive(cancelled, func(c workflow.ReceiveChannel, _ bool) {
		c.Receive(loop, nil)
		cancel(engine.ErrInterrupted)
	})
	if t := plan.Pipeline.Timeout; t > 0 {
		tctx, stopTimer := workflow.WithCancel(loop)
		defer stopTimer()
		r.sel.AddFuture(workflow.NewTimer(tctx, t), func(f workflow.Future) {
			if f.Get(tctx, nil) == nil {
				cancel(fmt.Errorf("%w after %s", engine.ErrPipelineTimeout, t))
			}
		})
	}
	for sched.Running() > 0 {
		r.sel.Select(loop)
		version++
	}
	stopCleanup()
	rec := r.annotate(sched.Close(), false)
	rec.Host = input.Host
	return fitRecord(rec)
}

// maxRecordPayload bounds the run record the workflow returns, and that
// its query answers. Temporal refuses a payload past 2 MB, and a workflow
// whose result it refuses does not end: its last task fails again and
// again, and the run hangs with every node done. Each node's outputs are
// bounded already (see Activities); it is their sum that can pass it.
const maxRecordPayload = 1_500_000

// fitRecord encodes rec, cutting the inputs and outputs of its biggest
// nodes, largest first, until it fits maxRecordPayload; a cut node's
// outputs say so. Deterministic, as workflow code must be: nodes of one
// size go by id.
func fitRecord(rec *engine.Record) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil || len(b) <= maxRecordPayload {
		return b, err
	}
	type sized struct {
		id   string
		size int
	}
	nodes := make([]sized, 0, len(rec.Nodes))
	for id, n := range rec.Nodes {
		size := 0
		for _, v := range []map[string]any{n.Inputs, n.Outputs} {
			if e, err := json.Marshal(v); err == nil {
				size += len(e)
			}
		}
		nodes = append(nodes, sized{id, size})
	}
	slices.SortFunc(nodes, func(a, b sized) int { return cmp.Or(cmp.Compare(b.size, a.size), strings.Compare(a.id, b.id)) })
	excess := len(b) - maxRecordPayload
	for _, s := range nodes {
		if excess <= 0 || s.size < 1024 {
			break
		}
		n := rec.Nodes[s.id]
		note := fmt.Sprintf("%d kB of inputs and outputs left out: a run's record on Temporal is at most %d MB; "+
			"write large data to a file (shared storage) and pass its path", s.size>>10, maxRecordPayload/1_000_000+1)
		n.Inputs, n.Outputs = nil, map[string]any{"cut": note}
		// Not its outputs: --resume runs it again.
		n.Resume = &engine.ResumeInfo{OutputsCut: true}
		excess -= s.size - len(note)
	}
	if excess > 0 {
		// What is left is text: the nodes' messages (a program's own
		// message may be megabytes) are cut to their start.
		for _, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
			n := rec.Nodes[id]
			if len(n.Message) > maxCutMessage {
				n.Message = fmt.Sprintf("%s… (%d bytes; the rest is left out of a run's record on Temporal)", strings.ToValidUTF8(n.Message[:maxCutMessage], ""), len(n.Message))
			}
		}
	}
	return json.Marshal(rec)
}

// maxCutMessage is what fitRecord keeps of a long message when the
// record is over its bound without nodes' inputs and outputs.
const maxCutMessage = 4 << 10

// annotate names in rec the worker that ran each node's last attempt
// and, in a record of the run as it stands (live), why a running node
// runs again: its attempts so far and the note of the last.
func (r *runLoop) annotate(rec *engine.Record, live bool) *engine.Record {
	if r == nil {
		return rec // queried before the run opened
	}
	for id, w := range r.workers {
		if n := rec.Nodes[id]; n != nil {
			n.Worker = w
		}
	}
	for id, note := range r.retrying {
		if n := rec.Nodes[id]; live && n != nil && n.Status == engine.StatusRunning {
			n.Attempts, n.Reason, n.Message = note.attempts, note.text, note.err
		}
	}
	return rec
}

// retryNote says why a running node runs again.
type retryNote struct {
	attempts  int
	text, err string
}

// runLoop runs the started nodes of a run: each node's attempt is an
// activity (a `wait` node a durable timer) whose future, on the one
// selector, tells the scheduler how the node ended, or starts its next
// attempt.
type runLoop struct {
	sched                *engine.Scheduler
	sel                  workflow.Selector
	nodesCtx, cleanupCtx workflow.Context
	d                    *driver
	cancelled            bool
	// workers names the worker of each node's last attempt that reached
	// one; retrying says why a running node runs again.
	workers  map[string]string
	retrying map[string]retryNote
	// resuming holds the nodes whose back-off is over, waiting for a slot
	// again (see decide): the scheduler hands each back (Start.Resume).
	resuming map[string]*nodeRun
}

// driver says how attempts run as activities.
type driver struct {
	queue     string
	heartbeat time.Duration
	// dangerousWait bounds the wait of a dangerous node for a worker
	// that allows it.
	dangerousWait time.Duration
}

// nodeRun is one started node: its attempts so far.
type nodeRun struct {
	st      engine.Start
	ctx     workflow.Context
	attempt int
	// lost counts attempts lost with their worker; note says the last.
	lost int
	note string
	// failed is the error of the attempt before a back-off, which the
	// node ends with if the run is cancelled before the next.
	failed error
}

func (r *runLoop) launch(starts []engine.Start) {
	for _, st := range starts {
		if st.Resume {
			// Its back-off over, the node has its slot again.
			if n := r.resuming[st.Task.Node]; n != nil {
				delete(r.resuming, st.Task.Node)
				n.attempt++
				r.attempt(n)
			}
			continue
		}
		ctx := r.nodesCtx
		if st.Cleanup {
			ctx = r.cleanupCtx
		}
		r.attempt(&nodeRun{st: st, ctx: ctx, attempt: 1})
	}
}

// attempt starts node n's next attempt.
func (r *runLoop) attempt(n *nodeRun) {
	if n.st.Waits && n.st.Task.Module == "wait" {
		in := modules.Input{With: n.st.Task.With}
		dur, err := in.Duration("duration")
		if err != nil {
			r.later(n, err)
			return
		}
		start := workflow.Now(n.ctx)
		// The node's time-out bounds the wait, as it does a wait in a
		// local run: the timer is the shorter of the two.
		timeout := n.st.Task.Timeout
		timesOut := timeout > 0 && timeout < dur &&
			workflow.GetVersion(n.ctx, changeWaitTimeout, workflow.DefaultVersion, 1) == 1
		if timesOut {
			dur = timeout
		}
		r.sel.AddFuture(workflow.NewTimer(n.ctx, dur), func(f workflow.Future) {
			if err := f.Get(n.ctx, nil); err != nil {
				r.end(n, nil, errors.New("cancelled"))
				return
			}
			if timesOut {
				r.decide(n, nil, &wireError{msg: fmt.Sprintf("%s after %s", engine.ErrTimeout, timeout), kind: errTimeout, wrapped: engine.ErrTimeout})
				return
			}
			waited := workflow.Now(n.ctx).Sub(start)
			r.end(n, &modules.Output{Message: "waited " + dur.String(), Values: map[string]any{"waited_ms": int(waited.Milliseconds())}}, nil)
		})
		return
	}
	task := n.st.Task
	task.Attempt = n.attempt
	fut, err := r.d.execute(n.ctx, task)
	if err != nil {
		r.later(n, err)
		return
	}
	r.sel.AddFuture(fut, func(f workflow.Future) { r.settle(n, f) })
}

// later ends node n with err on the selector's next turn, not inside the
// call that started it.
func (r *runLoop) later(n *nodeRun, err error) {
	f, set := workflow.NewFuture(n.ctx)
	set.SetError(err)
	r.sel.AddFuture(f, func(workflow.Future) { r.end(n, nil, err) })
}

// settle reads an attempt's end: the node ends, or runs again (a lost
// worker; a failure its retries allow, after the back-off).
func (r *runLoop) settle(n *nodeRun, f workflow.Future) {
	out, worker, err := result(n.ctx, f, n.st.Task)
	if worker != "" {
		r.workers[n.st.Task.Node] = worker
	}
	var te *temporal.TimeoutError
	if n.st.Task.Dangerous && errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_SCHEDULE_TO_START {
		err = &wireError{kind: errRefused, final: true, msg: fmt.Sprintf(
			"dangerous module disabled: no worker that allows dangerous nodes (pipe worker --allow-dangerous, polling task queue %s) took it within %s",
			DangerousQueue(r.d.queue), r.d.dangerousWait)}
	}
	r.decide(n, out, err)
}

// decide ends node n's attempt with out or err: the node ends, or runs
// again (a lost worker; a failure its retries allow, after the
// back-off).
func (r *runLoop) decide(n *nodeRun, out *modules.Output, err error) {
	if isLost(err) && n.lost >= maxLostAttempts {
		// In words, not the SDK's: the text is the node's message.
		err = &lostError{err: err, msg: fmt.Sprintf("lost with its worker %d times: each stopped heartbeating for %s (workers that die or hang on this node, or a --heartbeat too short for them)",
			n.lost+1, r.d.heartbeat)}
	}
	switch {
	case err == nil:
		r.end(n, out, nil)
	case n.ctx.Err() != nil:
		r.end(n, nil, err)
	case isLost(err) && n.lost < maxLostAttempts:
		// The worker died or went silent: that is not the node's
		// failure, and does not use up its retries.
		n.lost++
		n.note = fmt.Sprintf("attempt %d lost: its worker stopped heartbeating for %s", n.attempt, r.d.heartbeat)
		var w *wireError
		if errors.As(err, &w) && w.kind == errStopped {
			n.note = fmt.Sprintf("attempt %d lost: %s", n.attempt, w.msg)
		}
		r.retrying[n.st.Task.Node] = retryNote{attempts: n.attempt, text: n.note + "; running it again"}
		workflow.GetLogger(n.ctx).Warn("node attempt lost, running it again", "node", n.st.Task.Node, "attempt", n.attempt)
		n.attempt++
		r.attempt(n)
	case n.attempt-n.lost > n.st.Retry.Limit || !retryable(err):
		r.end(n, nil, err)
	default:
		delay := n.st.Retry.Delay(n.attempt - n.lost)
		r.retrying[n.st.Task.Node] = retryNote{attempts: n.attempt, text: fmt.Sprintf("attempt %d failed, retrying in %s", n.attempt, delay), err: err.Error()}
		// Waiting, the node does no work: its slot goes to the nodes that
		// wait for one, and it waits for one again after. A run started
		// before kept it: replayed, it decides as it did.
		free := workflow.GetVersion(n.ctx, changeBackoffSlot, workflow.DefaultVersion, 1) == 1
		if free {
			r.launch(r.sched.Backoff(n.st.Task.Node))
		}
		r.sel.AddFuture(workflow.NewTimer(n.ctx, delay), func(t workflow.Future) {
			if t.Get(n.ctx, nil) != nil { // cancelled while backing off
				r.end(n, nil, err)
				return
			}
			if free {
				n.failed = err
				r.resuming[n.st.Task.Node] = n
				r.launch(r.sched.Retry(n.st.Task.Node)) // resumes it now if a slot is free
				return
			}
			n.attempt++
			r.attempt(n)
		})
	}
}

// endResuming ends, once the run is cancelled, the nodes that wait for a
// slot again after their back-off: the scheduler gives them none (but to
// clean-up nodes, which run on), and they are recorded as cancelled while
// waiting to retry. In the order of their ids: workflow code may not
// follow a map's.
func (r *runLoop) endResuming() {
	for _, id := range slices.Sorted(maps.Keys(r.resuming)) {
		n := r.resuming[id]
		if n == nil || n.ctx.Err() == nil {
			continue
		}
		delete(r.resuming, id)
		r.end(n, nil, n.failed)
	}
}

// end tells the scheduler how node n ended, and starts what that allows.
func (r *runLoop) end(n *nodeRun, out *modules.Output, err error) {
	e := engine.Ended{Node: n.st.Task.Node, Output: out, Err: err, Attempts: n.attempt,
		Started: n.st.Started, Finished: workflow.Now(n.ctx)}
	if err != nil && n.lost > 0 {
		e.Reason = fmt.Sprintf("failed after %d attempts (%s)", n.attempt, n.note)
	}
	r.launch(r.sched.End(e))
}

// execute starts one attempt as an activity.
func (d *driver) execute(ctx workflow.Context, task engine.Task) (workflow.Future, error) {
	timeout := task.Timeout
	if timeout <= 0 {
		// Temporal needs a bound; heartbeats find a lost worker long
		// before this.
		timeout = 365 * 24 * time.Hour
	} else {
		timeout += 5 * time.Second // the worker ends it first, and says so
	}
	opts := workflow.ActivityOptions{
		TaskQueue:           d.queue,
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    d.heartbeat,
		WaitForCancellation: true,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1}, // the core's retries, not Temporal's
	}
	if task.Dangerous {
		// Only workers that allow dangerous nodes poll this queue; with
		// none, the node is refused, as a worker would refuse it.
		opts.TaskQueue = DangerousQueue(d.queue)
		opts.ScheduleToStartTimeout = d.dangerousWait
	}
	actx := workflow.WithActivityOptions(ctx, opts)
	payload, err := encodeTask(task)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errModule, nil)
	}
	// Temporal refuses a task past its payload limit, and the workflow
	// task that schedules it fails again and again: the run would stop
	// for good. Measure it here, and fail the node instead.
	if len(payload) > maxTaskJSON && workflow.GetVersion(ctx, changeTaskBound, workflow.DefaultVersion, 1) == 1 {
		workflow.GetLogger(ctx).Warn("node inputs over the payload limit", "node", task.Node, "bytes", len(payload))
		return nil, &wireError{kind: errTooLarge, final: true, msg: inputsTooLarge(task, len(payload))}
	}
	return workflow.ExecuteActivity(actx, ActivityName, payload), nil
}

// result reads an attempt's outputs from its future, or an error whose
// text is the module's, and names the worker that ran it ("" if none did).
func result(ctx workflow.Context, f workflow.Future, task engine.Task) (*modules.Output, string, error) {
	var res []byte
	if err := f.Get(ctx, &res); err != nil {
		var ae *temporal.ActivityError
		worker := ""
		if errors.As(err, &ae) {
			worker = ae.Identity()
		}
		return nil, worker, nodeError(err, task)
	}
	var w outputWire
	if err := json.Unmarshal(res, &w); err != nil {
		return nil, "", fmt.Errorf("result of %s: %w", task.Node, err)
	}
	values, err := decodeValues(w.Values)
	if err != nil {
		return nil, w.Worker, fmt.Errorf("outputs of %s: %w", task.Node, err)
	}
	return &modules.Output{Message: w.Message, Values: values}, w.Worker, nil
}

// nodeError turns an activity's failure into the error the core records:
// the module's own words, its outputs (a *modules.Error), ErrTimeout for
// the node's time-out; a refusal is never retried.
func nodeError(err error, task engine.Task) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		msg := app.Message()
		var values json.RawMessage
		if app.HasDetails() {
			_ = app.Details(&values)
		}
		var out error = &wireError{msg: msg, kind: app.Type(), final: app.NonRetryable()}
		if app.Type() == errTimeout {
			out = &wireError{msg: msg, kind: errTimeout, wrapped: engine.ErrTimeout}
		}
		if m, _ := decodeValues(values); m != nil && app.Type() != errTimeout {
			return &modules.Error{Message: msg, Values: m}
		}
		return out
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_START_TO_CLOSE {
		return fmt.Errorf("%w after %s (the worker did not end it)", engine.ErrTimeout, task.Timeout)
	}
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT {
		// In words, not the SDK's ids: the text is the node's message.
		return &lostError{err: err, msg: "lost: its worker stopped heartbeating (it died, hung, or lost the Temporal server)"}
	}

	if temporal.IsCanceledError(err) {
		return errors.New("cancelled")
	}
	return err
}

// wireError is a module's failure as it came over the wire.
type wireError struct {
	msg     string
	kind    string
	final   bool
	wrapped error
}

func (e *wireError) Error() string { return e.msg }
func (e *wireError) Unwrap() error { return e.wrapped }

// lostError is an attempt lost with its worker, in words: the SDK's
// error (its ids, "activity Heartbeat timeout") is under it, not in it.
type lostError struct {
	msg string
	err error
}

func (e *lostError) Error() string { return e.msg }
func (e *lostError) Unwrap() error { return e.err }

// retryable reports whether another attempt might end otherwise.
func retryable(err error) bool {
	var w *wireError
	return !errors.As(err, &w) || !w.final
}

// isLost reports whether an attempt ended because its worker went silent
// or was stopped.
func isLost(err error) bool {
	var te *temporal.TimeoutError
	var w *wireError
	return errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT ||
		errors.As(err, &w) && w.kind == errStopped
}
