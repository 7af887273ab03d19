package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/expr-lang/expr"

	"github.com/pipe-run/pipe/modules"
)

// run is one execution of a plan. Node states change under sched, on the
// goroutine of the node that just finished: it readies the nodes that
// needed it, starts them, and runs the first itself, so a chain of nodes
// runs on one goroutine without a wake-up between nodes. The coordinator
// (execute) starts the first nodes and handles cancellation, the grace,
// the journal's flushing, and the end of the run.
type run struct {
	e        *Engine
	plan     *Plan
	opts     Options
	grace    time.Duration
	limit    int
	config   map[string]any
	cfgVal   reflect.Value
	dangerOK bool
	// redact masks secret config values in what the run shows; nil when
	// the run has none.
	redact *redactor

	// ctx is the run's context, set by execute: a node that becomes ready
	// after it ended is cancelled, not started.
	ctx context.Context
	// cleanupCtx is the context of clean-up nodes started after ctx ended:
	// it ends only when the run is hurried (a second Ctrl-C).
	cleanupCtx context.Context

	mu  sync.Mutex // guards rec and the NodeRecords in it, for snapshots
	rec *Record

	// sched guards the fields below and the journal. It is taken before mu.
	sched    sync.Mutex
	nodes    []nodeState
	queue    readyQueue // ready to start, waiting for a slot
	freeQ    []int      // ready to start, of modules that take no slot
	slots    int        // nodes holding a slot
	inflight int        // nodes started and not finished
	journal  *journal   // nil without Options.Journal
	// wake tells the coordinator that inflight reached zero.
	wake chan struct{}
	// hurried is set once Options.Hurry is closed: clean-up nodes no
	// longer start, and running ones are abandoned like the others.
	hurried bool

	// levels schedule: the level now open and how many nodes each level
	// still has to finish; nodes of later levels wait in held.
	level     int
	levelLeft []int
	held      [][]int
}

type nodeState struct {
	rec      *NodeRecord
	selected bool
	pending  int // needs not yet finished
	done     bool
	// cleanup is set when the node started after the run was cancelled
	// (its when calls always() or cancelled()): it runs on, bounded by its
	// own time-out, and is not abandoned with the others.
	cleanup bool
	// abandoned is set when the run stopped waiting for the node a grace
	// after cancelling it: its goroutine drops its result.
	abandoned bool
	// with holds the resolved inputs from the decision until the start.
	with    map[string]any
	outputs map[string]any
	// failedAbove is set when this node or a node it needs, transitively,
	// failed: failure() is true below it.
	failedAbove bool
	// passed is set when the node succeeded, or failed under
	// continue_on_error: it counts as success below. Kept here, beside
	// pending, so that checking a node's needs reads nothing else.
	passed bool
	// blockedBy names the disabled dangerous node above this one.
	blockedBy string
}

type nodeResult struct {
	i        int
	out      *modules.Output
	err      error
	attempts int
	started  time.Time
	finished time.Time
}

func (e *Engine) newRun(plan *Plan, opts Options) (*run, error) {
	if opts.Schedule == "" {
		opts.Schedule = Eager
	}
	if opts.Schedule != Eager && opts.Schedule != Levels {
		return nil, fmt.Errorf("%w: unknown schedule %q (eager or levels)", ErrUsage, opts.Schedule)
	}
	selected, reasons, err := selection(plan, opts)
	if err != nil {
		return nil, err
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = make(map[string]any, len(plan.Pipeline.Config))
		for _, c := range plan.Pipeline.Config {
			cfg[c.Key] = c.Value
		}
	}
	for key, v := range cfg {
		if i, ok := plan.env.cfgIndex[key]; ok && v != nil {
			want := plan.env.cfgType.Field(i).Type
			if want != anyType && reflect.TypeOf(v) != want {
				return nil, fmt.Errorf("%w: config %s is %T, the pipeline's default is %s", ErrUsage, key, v, want)
			}
		}
	}
	id := opts.RunID
	if id == "" {
		id = NewRunID()
	}
	n := plan.Graph.Len()
	r := &run{
		e: e, plan: plan, opts: opts,
		grace:    e.Grace,
		limit:    e.maxParallel(plan, opts),
		config:   cfg,
		cfgVal:   plan.env.configValue(cfg),
		dangerOK: truthy(cfg[DangerKey]),
		redact:   newRedactor(plan, cfg),
		nodes:    make([]nodeState, n),
		queue:    readyQueue{height: plan.Graph.Height},
		wake:     make(chan struct{}, 1),
		rec: &Record{
			ID:       id,
			Pipeline: plan.Pipeline.Name,
			File:     plan.Pipeline.Source.Name,
			Status:   StatusRunning,
			Nodes:    make(map[string]*NodeRecord, n),
		},
	}
	if r.grace <= 0 {
		r.grace = DefaultGrace
	}
	if opts.Journal != nil {
		r.journal = newJournal(opts.Journal, id)
	}
	recs := make([]NodeRecord, n) // one allocation for every node's record
	for i := range n {
		pn := &plan.nodes[i]
		st := &r.nodes[i]
		st.rec = &recs[i]
		st.rec.Module = pn.Module
		st.rec.Status = StatusPending
		st.selected = selected[i]
		if !selected[i] {
			st.rec.Status, st.rec.Reason, st.done = StatusSkipped, reasons[i], true
		}
		st.pending = len(plan.Graph.Needs(i))
		r.rec.Nodes[pn.ID] = st.rec
	}
	return r, nil
}

// DangerKey is the config key that lets dangerous nodes run.
const DangerKey = "ENABLE_DANGEROUS_AI"

func (r *run) execute(parent context.Context) *Record {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	if t := r.plan.Pipeline.Timeout; t > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, t, fmt.Errorf("%w after %s", ErrPipelineTimeout, t))
		defer stop()
	}
	r.ctx = ctx
	cleanupCtx, stopCleanup := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopCleanup(nil)
	r.cleanupCtx = cleanupCtx
	r.mu.Lock()
	r.rec.StartedAt = time.Now().UTC()
	r.mu.Unlock()
	r.writeJournalHeader()
	r.e.logger().Debug("run started", "run", r.rec.ID, "pipeline", r.plan.Pipeline.Name, "max_parallel", r.limit, "schedule", r.opts.Schedule)

	g := r.plan.Graph
	r.sched.Lock()
	if r.opts.Schedule == Levels {
		r.levelLeft = make([]int, 0)
		for i := range r.nodes {
			l := g.Level(i)
			for len(r.levelLeft) <= l {
				r.levelLeft = append(r.levelLeft, 0)
				r.held = append(r.held, nil)
			}
			if r.nodes[i].selected {
				r.levelLeft[l]++
			}
		}
	}
	for _, i := range g.Order() {
		if r.nodes[i].selected && r.nodes[i].pending == 0 {
			r.ready(i)
		}
	}
	if ctx.Err() == nil {
		r.startQueued(ctx, false)
	}
	r.sched.Unlock()
	done := ctx.Done()
	hurry := r.opts.Hurry
	var grace <-chan time.Time
	var flush <-chan time.Time
	if r.journal != nil {
		t := time.NewTicker(journalFlush)
		defer t.Stop()
		flush = t.C
	}
	for {
		r.sched.Lock()
		idle := r.inflight == 0
		r.sched.Unlock()
		if idle {
			break
		}
		select {
		case <-r.wake:
		case <-done:
			done = nil
			r.sched.Lock()
			r.cancelWaiting(context.Cause(ctx), true)
			r.sched.Unlock()
			t := time.NewTimer(r.grace)
			defer t.Stop()
			grace = t.C
		case <-hurry:
			hurry = nil
			r.sched.Lock()
			r.hurried = true
			r.sched.Unlock()
			stopCleanup(ErrInterrupted)
			r.grace = min(r.grace, HurryGrace)
			if done == nil { // cancelled already: shorten the grace running
				t := time.NewTimer(r.grace)
				defer t.Stop()
				grace = t.C
			}
		case <-grace:
			r.sched.Lock()
			r.abandon(context.Cause(ctx))
			r.sched.Unlock()
		case <-flush:
			r.sched.Lock()
			r.journal.flush()
			r.sched.Unlock()
		}
	}
	// Every node has ended or been abandoned: what is left is ours.
	r.sched.Lock()
	defer r.sched.Unlock()
	if ctx.Err() != nil {
		r.cancelWaiting(context.Cause(ctx), false)
	}
	rec := r.close(ctx)
	if err := r.journal.close(); err != nil {
		r.e.logger().Warn("writing the run's journal", "err", err)
	}
	return rec
}

// ready is called once per selected node when its needs are done: it
// decides whether the node runs and queues it, or settles it at once.
func (r *run) ready(i int) {
	if r.opts.Schedule == Levels {
		if l := r.plan.Graph.Level(i); l > r.level {
			r.held[l] = append(r.held[l], i)
			return
		}
	}
	work := []int{i}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		if r.ctx.Err() != nil && !r.cleansUp(i) {
			r.settle(i, StatusCancelled, "not started: run "+causeText(context.Cause(r.ctx)), "")
			work = r.release(i, work) // a clean-up node below may now be ready
			continue
		}
		if status, reason, with := r.decide(i); status != "" {
			r.settle(i, status, reason, "")
			work = r.release(i, work)
		} else {
			if r.plan.nodes[i].info.Waits {
				r.freeQ = append(r.freeQ, i)
			} else {
				r.queue.push(i)
			}
			r.nodes[i].with = with
		}
	}
}

// release marks node i done and returns work with the dependents that became
// ready (in the levels schedule they may be held instead).
func (r *run) release(i int, work []int) []int {
	st := &r.nodes[i]
	st.done = true
	if r.opts.Schedule == Levels {
		r.levelDone(r.plan.Graph.Level(i))
	}
	failed := st.failedAbove || (st.rec.Status == StatusError && !r.plan.nodes[i].ContinueOnError)
	blocked := st.blockedBy
	if blocked == "" && st.rec.Status == StatusSkipped && r.plan.nodes[i].dangerous && !r.dangerOK {
		blocked = r.plan.nodes[i].ID
	}
	for _, d := range r.plan.Graph.Dependents(i) {
		ds := &r.nodes[d]
		if !ds.selected || ds.done {
			continue
		}
		ds.failedAbove = ds.failedAbove || failed
		if ds.blockedBy == "" {
			ds.blockedBy = blocked
		}
		if ds.pending--; ds.pending == 0 {
			if r.opts.Schedule == Levels && r.plan.Graph.Level(d) > r.level {
				r.held[r.plan.Graph.Level(d)] = append(r.held[r.plan.Graph.Level(d)], d)
				continue
			}
			work = append(work, d)
		}
	}
	return work
}

// levelDone counts a finished node of level l and opens the next levels
// once the open one is complete.
func (r *run) levelDone(l int) {
	r.levelLeft[l]--
	for r.level < len(r.levelLeft) && r.levelLeft[r.level] == 0 {
		r.level++
		if r.level < len(r.held) {
			held := r.held[r.level]
			r.held[r.level] = nil
			for _, i := range held {
				r.ready(i)
			}
		}
	}
}

// decide applies the safety gate, the needs' outcomes and `when` to a
// ready node. It returns a final status with its reason for a node that
// will not run, or the node's resolved inputs.
func (r *run) decide(i int) (Status, string, map[string]any) {
	pn := &r.plan.nodes[i]
	st := &r.nodes[i]
	if pn.dangerous && !r.dangerOK {
		return StatusSkipped, "dangerous module disabled: set " + DangerKey + "=true to run it", nil
	}
	if st.blockedBy != "" {
		return StatusSkipped, fmt.Sprintf("needs %s, a dangerous node that is disabled", st.blockedBy), nil
	}
	success, why := r.needsSucceeded(i)
	if pn.when == nil || !pn.when.usesStatus {
		if !success {
			return StatusSkipped, why, nil
		}
	}
	env := r.env(i, success)
	if pn.when != nil {
		out, err := expr.Run(pn.when.prog, env)
		if err != nil {
			return StatusError, fmt.Sprintf("when: %v", err), nil
		}
		if ok, _ := out.(bool); !ok {
			return StatusSkipped, "when is false: " + pn.When, nil
		}
	}
	with, err := r.inputs(i, env)
	if err != nil {
		return StatusError, err.Error(), nil
	}
	return "", "", with
}

// needsSucceeded reports whether every need of node i succeeded (an error
// under continue_on_error counts), and if not, why.
func (r *run) needsSucceeded(i int) (bool, string) {
	needs := r.plan.Graph.Needs(i)
	passed := true
	for _, j := range needs {
		passed = passed && r.nodes[j].passed
	}
	if passed {
		return true, ""
	}
	for _, j := range needs {
		rec := r.nodes[j].rec
		switch {
		case rec.Status == StatusSuccess:
		case rec.Status == StatusError && r.plan.nodes[j].ContinueOnError:
		case rec.Status == StatusError:
			return false, fmt.Sprintf("need %s failed", r.plan.nodes[j].ID)
		default:
			return false, fmt.Sprintf("need %s was %s", r.plan.nodes[j].ID, rec.Status)
		}
	}
	return true, ""
}

// env builds the expression environment of node i; nil when it has no
// expression to evaluate.
func (r *run) env(i int, success bool) any {
	pn := &r.plan.nodes[i]
	if pn.when == nil && pn.templates == nil {
		return nil
	}
	v := reflect.New(r.plan.env.typ).Elem()
	v.Field(fieldConfig).Set(r.cfgVal)
	if len(pn.refs) > 0 {
		views := make(map[string]NodeView, len(pn.refs))
		for _, j := range pn.refs {
			rec := r.nodes[j].rec
			views[r.plan.nodes[j].ID] = NodeView{Status: string(rec.Status), Message: rec.Message, Outputs: r.nodes[j].outputs}
		}
		v.Field(fieldNodes).Set(reflect.ValueOf(views))
	}
	p := r.plan.Pipeline
	v.Field(fieldPipeline).Set(reflect.ValueOf(PipelineView{Name: p.Name, Description: p.Description, File: p.Source.Name}))
	v.Field(fieldRun).Set(reflect.ValueOf(RunView{ID: r.rec.ID}))
	v.Field(fieldSuccess).Set(reflect.ValueOf(boolFunc(success)))
	v.Field(fieldFailure).Set(reflect.ValueOf(boolFunc(r.nodes[i].failedAbove)))
	v.Field(fieldAlways).Set(reflect.ValueOf(boolFunc(true)))
	v.Field(fieldCancelled).Set(reflect.ValueOf(boolFunc(r.ctx.Err() != nil)))
	return v.Interface()
}

// startQueued starts queued nodes while slots are free, and every node of
// a module that waits (those take no slot). With keep, the first node
// taken from the queue is begun but not started: it is returned for the
// caller's goroutine to run (ok is false when there is none).
//
// Once the run is cancelled, only clean-up nodes start; the others are
// settled as cancelled.
func (r *run) startQueued(ctx context.Context, keep bool) (next job, ok bool) {
	for len(r.freeQ) > 0 { // startable may queue more
		i := r.freeQ[len(r.freeQ)-1]
		r.freeQ = r.freeQ[:len(r.freeQ)-1]
		if r.startable(ctx, i) {
			r.start(ctx, i)
		}
	}
	for r.queue.Len() > 0 && r.slots < r.limit {
		i := r.queue.pop()
		if !r.startable(ctx, i) {
			continue
		}
		r.slots++
		if keep && !ok {
			next, ok = r.begin(i), true
			continue
		}
		r.start(ctx, i)
	}
	return next, ok
}

// cleansUp reports whether node i still runs once the run is cancelled: a
// clean-up node, while the run is not hurried.
func (r *run) cleansUp(i int) bool { return r.plan.nodes[i].runsOnCancel() && !r.hurried }

// startable reports whether queued node i may start. After the run is
// cancelled only clean-up nodes may: any other is settled as cancelled, and
// what that readies is readied.
func (r *run) startable(ctx context.Context, i int) bool {
	if ctx.Err() == nil || r.cleansUp(i) {
		return true
	}
	r.settle(i, StatusCancelled, "not started: run "+causeText(context.Cause(ctx)), "")
	for _, d := range r.release(i, nil) {
		r.ready(d)
	}
	return false
}

// job is a node begun: its resolved inputs and its start time.
type job struct {
	i       int
	with    map[string]any
	started time.Time
	// cleanup is set for a clean-up node started after the run was
	// cancelled.
	cleanup bool
}

// start runs node i on a goroutine of its own.
func (r *run) start(ctx context.Context, i int) {
	go r.work(ctx, r.begin(i))
}

// begin marks node i running and hands over its inputs.
func (r *run) begin(i int) job {
	st := &r.nodes[i]
	j := job{i: i, with: st.with, started: time.Now(), cleanup: r.ctx.Err() != nil}
	st.with = nil
	st.cleanup = j.cleanup
	r.mu.Lock()
	st.rec.Status = StatusRunning
	st.rec.StartedAt = j.started.UTC()
	r.mu.Unlock()
	r.inflight++
	r.emit(NodeStarted, i)
	return j
}

// work runs a node, records its result, starts what that made ready, and
// goes on with one of those nodes itself while there is one.
func (r *run) work(ctx context.Context, j job) {
	for more := true; more; {
		res := r.runNode(ctx, j)
		r.sched.Lock()
		if r.nodes[j.i].abandoned {
			r.sched.Unlock()
			return
		}
		r.inflight--
		r.finish(res, ctx)
		j, more = r.startQueued(ctx, true)
		if r.inflight == 0 {
			select {
			case r.wake <- struct{}{}:
			default: // already told
			}
		}
		r.sched.Unlock()
	}
}

func (r *run) emit(kind EventKind, i int) {
	if kind == NodeFinished && r.journal != nil {
		r.journal.node(r.plan.nodes[i].ID, *r.nodes[i].rec)
	}
	if r.opts.OnEvent != nil {
		r.mu.Lock()
		rec := *r.nodes[i].rec
		r.mu.Unlock()
		r.opts.OnEvent(Event{Kind: kind, Node: r.plan.nodes[i].ID, Record: rec})
	}
}

// finish records a node goroutine's result and readies its dependents.
func (r *run) finish(res nodeResult, ctx context.Context) {
	i := res.i
	pn := &r.plan.nodes[i]
	if !pn.info.Waits {
		r.slots--
	}
	st := &r.nodes[i]
	status, reason, message := StatusSuccess, "", ""
	var outputs map[string]any
	if res.out != nil {
		message, outputs = res.out.Message, res.out.Values
	}
	if res.err != nil {
		status, message = StatusError, res.err.Error()
		var ne *NodeError
		if errors.As(res.err, &ne) {
			message = ne.Err.Error()
		}
		var me *modules.Error
		if errors.As(res.err, &me) {
			outputs = me.Values
		}
		switch {
		case ctx.Err() != nil && (!st.cleanup || r.hurried) && !errors.Is(res.err, ErrTimeout):
			status, reason = StatusCancelled, "cancelled while running: "+context.Cause(ctx).Error()
		case pn.ContinueOnError:
			reason = "failed; continue_on_error lets the run go on"
		default:
			reason = "failed"
			if res.attempts > 1 {
				reason = fmt.Sprintf("failed after %d attempts", res.attempts)
			}
		}
	}
	r.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, r.redact.String(reason), r.redact.String(message)
	// The record holds what JSON can carry, secrets masked; expressions
	// below see the outputs as the module gave them (a NaN stays a number).
	st.rec.Outputs = r.redact.Map(jsonSafe(outputs))
	st.passed = status == StatusSuccess || (status == StatusError && pn.ContinueOnError)
	st.rec.Attempts = res.attempts
	st.rec.StartedAt, st.rec.FinishedAt = res.started.UTC(), res.finished.UTC()
	st.rec.DurationMS = res.finished.Sub(res.started).Milliseconds()
	r.mu.Unlock()
	st.outputs = outputs
	r.logResult(i)
	r.emit(NodeFinished, i)
	for _, d := range r.release(i, nil) {
		r.ready(d)
	}
}

// settle gives a node that will not run its final state.
func (r *run) settle(i int, status Status, reason, message string) {
	st := &r.nodes[i]
	now := time.Now().UTC()
	reason, message = r.redact.String(reason), r.redact.String(message)
	r.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, reason, message
	st.rec.Outputs = nil
	st.passed = status == StatusError && r.plan.nodes[i].ContinueOnError
	if status == StatusError {
		st.rec.Message = reason
		st.rec.StartedAt, st.rec.FinishedAt = now, now
	}
	r.mu.Unlock()
	r.logResult(i)
	r.emit(NodeFinished, i)
}

// abandon gives up on the nodes still running a grace after the run was
// cancelled: their modules ignore cancellation. Each is settled as
// cancelled, and its goroutine will drop its result when it ends.
//
// Clean-up nodes are not abandoned here: each is bounded by its own
// time-out (see runNode).
func (r *run) abandon(cause error) {
	reason := fmt.Sprintf("cancelled while running (run %s); %v within %s", causeText(cause), ErrNotStopped, r.grace)
	for i := range r.nodes {
		st := &r.nodes[i]
		if st.rec.Status == StatusRunning && (!st.cleanup || r.hurried) {
			st.abandoned = true
			r.settle(i, StatusCancelled, reason, "")
			st.done = true
			r.inflight--
			if !r.plan.nodes[i].info.Waits {
				r.slots--
			}
			for _, d := range r.release(i, nil) {
				r.ready(d)
			}
		}
	}
	r.startQueued(r.ctx, false)
}

// cancelWaiting settles every selected node that has not started, except
// clean-up nodes (their when calls always() or cancelled()): those wait
// for their needs to end and may then run, and the queued ones start now.
//
// Once no node runs any more (cleanup false), nothing is kept or started.
func (r *run) cancelWaiting(cause error, cleanup bool) {
	reason := "not started: run " + causeText(cause)
	var keep []int
	waiting := append(r.queue.drain(), r.freeQ...) // a copy: ready may queue more below
	r.freeQ = r.freeQ[:0]
	for _, i := range waiting {
		if cleanup && r.cleansUp(i) {
			keep = append(keep, i)
			continue
		}
		r.settle(i, StatusCancelled, reason, "")
		r.nodes[i].done = true
		if cleanup {
			for _, d := range r.release(i, nil) {
				r.ready(d)
			}
		}
	}
	for _, i := range keep {
		if r.plan.nodes[i].info.Waits {
			r.freeQ = append(r.freeQ, i)
		} else {
			r.queue.push(i)
		}
	}
	for i := range r.nodes {
		st := &r.nodes[i]
		if st.selected && !st.done && st.rec.Status == StatusPending && !(cleanup && r.cleansUp(i)) {
			r.settle(i, StatusCancelled, reason, "")
			st.done = true
			if cleanup {
				for _, d := range r.release(i, nil) {
					r.ready(d)
				}
			}
		}
	}
	if cleanup {
		r.startQueued(r.ctx, false)
	}
}

func causeText(cause error) string {
	switch {
	case errors.Is(cause, ErrInterrupted):
		return "interrupted"
	case cause == nil:
		return "cancelled"
	}
	return cause.Error()
}

func (r *run) logResult(i int) {
	log := r.e.logger()
	if !log.Enabled(context.Background(), slog.LevelDebug) && r.nodes[i].rec.Status != StatusError && r.nodes[i].rec.Status != StatusCancelled {
		return // don't box the attributes of a line nobody reads
	}
	rec := r.nodes[i].rec
	id := r.plan.nodes[i].ID
	switch rec.Status {
	case StatusSuccess:
		log.Debug("node succeeded", "node", id, "duration", rec.Duration().Round(time.Millisecond), "message", rec.Message)
	case StatusError:
		log.Error("node failed", "node", id, "err", rec.Message)
	case StatusSkipped:
		log.Debug("node skipped", "node", id, "reason", rec.Reason)
	case StatusCancelled:
		log.Warn("node cancelled", "node", id, "reason", rec.Reason)
	}
}

// close settles the run's status.
func (r *run) close(ctx context.Context) *Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := r.rec
	rec.FinishedAt = time.Now().UTC()
	rec.DurationMS = rec.FinishedAt.Sub(rec.StartedAt).Milliseconds()
	rec.Status = StatusSuccess
	failed, cancelled := 0, 0
	for i := range r.nodes {
		switch r.nodes[i].rec.Status {
		case StatusError:
			if !r.plan.nodes[i].ContinueOnError {
				failed++
			}
		case StatusCancelled:
			cancelled++
		}
	}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, ErrPipelineTimeout):
		rec.Status, rec.Reason = StatusError, cause.Error()
	case cancelled > 0 && ctx.Err() != nil:
		rec.Status, rec.Reason = StatusCancelled, "run "+causeText(cause)
	case failed > 0:
		rec.Status, rec.Reason = StatusError, fmt.Sprintf("%d node(s) failed", failed)
	}
	return rec
}

// Snapshot returns a copy of the record as it stands, safe to read while
// the run goes on.
func (r *run) snapshot() *Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *r.rec
	cp.Nodes = make(map[string]*NodeRecord, len(r.rec.Nodes))
	for id, n := range r.rec.Nodes {
		nc := *n
		cp.Nodes[id] = &nc
	}
	return &cp
}

// nodeLogger returns node id's logger. It is made on the first log call:
// most in-process modules never log, and making a logger costs more than
// running them.
func (r *run) nodeLogger(id string) *slog.Logger {
	return slog.New(&lazyHandler{e: r.e, node: id, redact: r.redact})
}

// lazyHandler makes node's handler on first use.
type lazyHandler struct {
	e      *Engine
	node   string
	redact *redactor
	once   sync.Once
	h      slog.Handler
}

func (l *lazyHandler) get() slog.Handler {
	l.once.Do(func() {
		if l.e.NodeLogger != nil {
			l.h = l.e.NodeLogger(l.node).Handler()
		} else {
			l.h = l.e.logger().With("node", l.node).Handler()
		}
		l.h = l.redact.Handler(l.h)
	})
	return l.h
}

func (l *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.get().Enabled(ctx, level)
}

func (l *lazyHandler) Handle(ctx context.Context, rec slog.Record) error {
	return l.get().Handle(ctx, rec)
}

func (l *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return l.get().WithAttrs(attrs) }

func (l *lazyHandler) WithGroup(name string) slog.Handler { return l.get().WithGroup(name) }
