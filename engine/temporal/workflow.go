package temporal

import (
	"fmt"
	"math"
	"time"

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
	plan, err := engine.ParseRemote(input.File, input.Source, w.Registry, input.Declared)
	if err != nil {
		// The client compiled it: the fault is this worker's, and the
		// run must wait for one that can run it, not fail.
		panic(cannotCompile(input.File, err))
	}
	if !workflow.IsReplaying(ctx) {
		// Only as the run starts: a replay (a restarted worker, another
		// worker taking a workflow task mid-run) reads the files as they
		// are now, and a script edited or pulled since would stop the
		// run for good, a cancel too. Later, each node's attempt checks
		// its own files (and fails the node, not the run).
		if err := checkFiles(input.BaseDir, runFiles(&input)); err != nil {
			// Its files are not the client's: as for a pipeline it cannot
			// compile, another worker may run it.
			panic(fmt.Sprintf("%s%s: %v", cannotCompileLead, input.File, err))
		}
	}
	plan.BaseDir = input.BaseDir // the client's, from the project's root
	opts, err := input.options(plan)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), "InvalidInput", nil)
	}
	opts.Submitted = workflow.GetInfo(ctx).WorkflowStartTime
	opts.Adopts = adopts(ctx)
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
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func(since int) (Progress, error) {
		version := r.turn()
		if since == version {
			return Progress{Version: version}, nil
		}
		rec := r.annotate(sched.Snapshot(), true)
		for _, n := range rec.Nodes {
			n.Inputs, n.Outputs = nil, nil
		}
		p := Progress{Version: version, Record: rec}
		if r != nil {
			p.Outputs, p.OutputsFrom = r.outputs.since(since, maxKeptOutputs)
		}
		return p, nil
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
		d:       &driver{queue: input.TaskQueue, heartbeat: heartbeat, dangerousWait: input.DangerousWait, files: input.Files},
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
	r.version = 1

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
		r.version++
	}
	stopCleanup()
	rec := r.annotate(sched.Close(), false)
	rec.Host = input.Host
	b, err := fitRecord(rec)
	if err != nil {
		return nil, err
	}
	// The outputs of the nodes that ended last, which no follower has
	// read yet, go with the record.
	return withOutputs(b, &r.outputs)
}
