package temporal

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

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
	plan, err := engine.Parse(input.File, input.Source, w.Registry)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidPipeline", nil)
	}
	opts, err := input.options(plan)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", nil)
	}
	sched, err := engine.NewScheduler(plan, opts, func() time.Time { return workflow.Now(ctx) }, nil)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", nil)
	}
	if err := workflow.SetQueryHandler(ctx, QueryRecord, func() ([]byte, error) {
		return json.Marshal(sched.Snapshot())
	}); err != nil {
		return nil, err
	}
	if err := workflow.SetQueryHandler(ctx, QuerySource, func() (RunInput, error) {
		return RunInput{File: input.File, Source: input.Source, RunID: input.RunID}, nil
	}); err != nil {
		return nil, err
	}

	// The loop runs on a context that outlives a cancel of the workflow:
	// after a cancel it still hears its nodes end and runs clean-up nodes.
	loop, _ := workflow.NewDisconnectedContext(ctx)
	nodesCtx, stopNodes := workflow.WithCancel(loop)
	cleanupCtx, stopCleanup := workflow.WithCancel(loop)
	// Buffered for every node: a node's coroutine never waits to tell.
	ended := workflow.NewBufferedChannel(loop, plan.Graph.Len())
	heartbeat := input.Heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	d := &driver{queue: input.TaskQueue, heartbeat: heartbeat}
	launch := func(starts []engine.Start) {
		for _, st := range starts {
			nctx := nodesCtx
			if st.Cleanup {
				nctx = cleanupCtx
			}
			workflow.Go(nctx, func(gctx workflow.Context) {
				ended.Send(gctx, d.runNode(gctx, st))
			})
		}
	}
	launch(sched.Open())

	var timeout workflow.Future
	if t := plan.Pipeline.Timeout; t > 0 {
		tctx, stopTimer := workflow.WithCancel(loop)
		defer stopTimer()
		timeout = workflow.NewTimer(tctx, t)
	}
	cancelled := false
	cancel := func(cause error) {
		cancelled = true
		stopNodes()
		launch(sched.Cancel(cause))
	}
	for sched.Running() > 0 {
		sel := workflow.NewSelector(loop)
		sel.AddReceive(ended, func(c workflow.ReceiveChannel, _ bool) {
			var e engine.Ended
			c.Receive(loop, &e)
			launch(sched.End(e))
		})
		if !cancelled {
			sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {
				cancel(engine.ErrInterrupted)
			})
			if timeout != nil {
				sel.AddFuture(timeout, func(workflow.Future) {
					cancel(fmt.Errorf("%w after %s", engine.ErrPipelineTimeout, plan.Pipeline.Timeout))
				})
			}
		}
		sel.Select(loop)
	}
	stopCleanup()
	rec := sched.Close()
	rec.Host = input.Host
	return json.Marshal(rec)
}

// driver runs nodes as activities (or timers) from the workflow.
type driver struct {
	queue     string
	heartbeat time.Duration
}

// runNode runs one node: its attempts, the back-off between them as a
// durable timer, and attempts again when a worker is lost.
func (d *driver) runNode(ctx workflow.Context, st engine.Start) (e engine.Ended) {
	e = engine.Ended{Node: st.Task.Node, Started: st.Started}
	defer func() { e.Finished = workflow.Now(ctx) }()
	if st.Waits && st.Task.Module == "wait" {
		e.Attempts = 1
		e.Output, e.Err = waitNode(ctx, st.Task)
		return e
	}
	task := st.Task
	lost := 0
	var lostNote string
	for attempt := 1; ; attempt++ {
		e.Attempts = attempt
		task.Attempt = attempt
		out, err := d.attempt(ctx, task)
		if err == nil {
			e.Output = out
			return e
		}
		if ctx.Err() != nil {
			e.Err = err
			return e
		}
		if isLost(err) && lost < maxLostAttempts {
			// The worker died or went silent: that is not the node's
			// failure, and does not use up its retries.
			lost++
			lostNote = fmt.Sprintf("attempt %d lost: its worker stopped heartbeating for %s", attempt, d.heartbeat)
			workflow.GetLogger(ctx).Warn("node attempt lost, running it again", "node", task.Node, "attempt", attempt)
			st.Retry.Limit++
			continue
		}
		if attempt > st.Retry.Limit || !retryable(err) {
			e.Err = err
			if lost > 0 {
				e.Reason = fmt.Sprintf("failed after %d attempts (%s)", attempt, lostNote)
			}
			return e
		}
		if err := workflow.Sleep(ctx, st.Retry.Delay(attempt-lost)); err != nil {
			e.Err = err
			return e
		}
	}
}

// attempt runs one attempt as an activity and returns its outputs, or an
// error whose text is the module's.
func (d *driver) attempt(ctx workflow.Context, task engine.Task) (*modules.Output, error) {
	timeout := task.Timeout
	if timeout <= 0 {
		// Temporal needs a bound; heartbeats find a lost worker long
		// before this.
		timeout = 365 * 24 * time.Hour
	} else {
		timeout += 5 * time.Second // the worker ends it first, and says so
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           d.queue,
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    d.heartbeat,
		WaitForCancellation: true,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1}, // the core's retries, not Temporal's
	})
	payload, err := encodeTask(task)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errModule, nil)
	}
	var res []byte
	if err := workflow.ExecuteActivity(actx, ActivityName, payload).Get(actx, &res); err != nil {
		return nil, nodeError(err, task)
	}
	var w outputWire
	if err := json.Unmarshal(res, &w); err != nil {
		return nil, fmt.Errorf("result of %s: %w", task.Node, err)
	}
	values, err := decodeValues(w.Values)
	if err != nil {
		return nil, fmt.Errorf("outputs of %s: %w", task.Node, err)
	}
	return &modules.Output{Message: w.Message, Values: values}, nil
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

// retryable reports whether another attempt might end otherwise.
func retryable(err error) bool {
	var w *wireError
	return !errors.As(err, &w) || !w.final
}

// isLost reports whether an attempt ended because its worker went silent.
func isLost(err error) bool {
	var te *temporal.TimeoutError
	return errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT
}

// waitNode is the wait module as a durable timer: a worker restart does
// not make it wait again from the start.
func waitNode(ctx workflow.Context, task engine.Task) (*modules.Output, error) {
	in := modules.Input{With: task.With}
	dur, err := in.Duration("duration")
	if err != nil {
		return nil, err
	}
	start := workflow.Now(ctx)
	if err := workflow.Sleep(ctx, dur); err != nil {
		return nil, errors.New("cancelled")
	}
	waited := workflow.Now(ctx).Sub(start)
	return &modules.Output{Message: "waited " + dur.String(), Values: map[string]any{"waited_ms": int(waited.Milliseconds())}}, nil
}
