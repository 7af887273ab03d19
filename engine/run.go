package engine

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"

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
	exec     Executor // runs each attempt
	limit    int
	config   map[string]any
	cfgVal   reflect.Value
	dangerOK bool
	// redact masks secret config values in what the run shows; nil when
	// the run has none.
	redact *redactor
	// progEnv is what programs of exec and python nodes get (moduleEnv).
	progEnv []string

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
	// kept is set when the node's outputs come from an earlier run.
	kept bool
}

type nodeResult struct {
	i    int
	with map[string]any // the resolved inputs it ran with
	// set by prepare, off the scheduler's lock: the message, the outputs
	// as modules gave them, and as the record holds them.
	message             string
	outputs             map[string]any
	recOutputs, recWith map[string]any
	out                 *modules.Output
	err                 error
	attempts            int
	started             time.Time
	finished            time.Time
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
		redact:   newRedactor(plan, cfg, opts.Env),
		progEnv:  moduleEnv(plan, cfg, opts.Env),
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
	r.rec.Config = r.recordedConfig()
	r.rec.Version = opts.Version
	r.rec.FileHash = opts.FileHash
	r.rec.ResumedFrom = opts.KeptFrom
	r.rec.Host, _ = os.Hostname()
	r.exec = &local{plan: plan, logger: r.nodeLogger, run: r, grace: r.grace}
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
	// The roots first, then ready them: readying one may settle it at once
	// (a when that is false) and ready the nodes below, which must not be
	// readied a second time here.
	var roots []int
	for _, i := range g.Order() {
		if r.nodes[i].selected && r.nodes[i].pending == 0 {
			roots = append(roots, i)
		}
	}
	for _, i := range roots {
		r.ready(i)
	}
	if ctx.Err() == nil {
		r.startQueued(ctx, false)
	}
	r.sched.Unlock()
	done := ctx.Done()
	hurry := r.opts.Hurry
	// waitFor is how long the run waits for modules once it is cancelled;
	// a hurry shortens it. Local: node goroutines read r.grace.
	waitFor := r.grace
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
			t := time.NewTimer(waitFor)
			defer t.Stop()
			grace = t.C
		case <-hurry:
			hurry = nil
			r.sched.Lock()
			r.hurried = true
			r.sched.Unlock()
			stopCleanup(ErrInterrupted)
			waitFor = min(waitFor, HurryGrace)
			if done == nil { // cancelled already: shorten the grace running
				t := time.NewTimer(waitFor)
				defer t.Stop()
				grace = t.C
			}
		case <-grace:
			r.sched.Lock()
			r.abandon(context.Cause(ctx), waitFor)
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
		r.prepare(&res)
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
