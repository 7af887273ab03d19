package engine

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"time"
)

// run drives a core in this process. The core's state changes under
// sched, on the goroutine of the node that just finished: it tells the
// core, takes the nodes that became startable, starts them, and runs the
// first itself, so a chain of nodes runs on one goroutine without a
// wake-up between nodes. The coordinator (execute) opens the run and
// handles cancellation, the grace, the journal's flushing, and the end of
// the run.
type run struct {
	*core
	e     *Engine
	grace time.Duration
	exec  Executor // runs each attempt
	logs  *nodeLogs

	// sched serialises the calls into the core. It is taken before
	// core.mu; the journal's locks are taken under it or alone.
	sched sync.Mutex
	// wake tells the coordinator that no node is in flight any more.
	wake chan struct{}
	// resumed holds, for each node whose back-off is over and that waits
	// for a slot, the channel launch tells it on that it has one. Guarded
	// by sched; nil until a node retries.
	resumed map[int]chan struct{}
}

func (e *Engine) newRun(plan *Plan, opts Options) (*run, error) {
	c, err := newCore(plan, opts)
	if err != nil {
		return nil, err
	}
	c.log = e.logger()
	for _, k := range slices.Sorted(maps.Keys(c.unexported)) {
		hint := "a program reads it through ${{ config." + k + " }} in its inputs (stdin: for a long one)"
		if !slices.Contains(plan.Pipeline.ConfigKeys(), k) {
			hint = "a .env key no program can get this way: keep the value in a file the program reads"
		}
		c.log.Warn("not passed to programs' environment: "+c.unexported[k], "key", k, "hint", hint)
	}
	c.endIsNow = true // runNode stamps res.finished with time.Now
	c.cleanupTimeout = e.cleanupTimeout()
	c.rec.Host, _ = os.Hostname()
	r := &run{core: c, e: e, grace: e.Grace, wake: make(chan struct{}, 1)}
	if r.grace <= 0 {
		r.grace = DefaultGrace
	}
	r.logs = &nodeLogs{e: e, redact: c.redact}
	r.exec = r.withCache(&local{plan: plan, logs: r.logs, run: c, grace: r.grace, cacheDir: opts.CacheDir, noCache: opts.NoCache, maxParallel: opts.MaxParallel})
	return r, nil
}

func (r *run) execute(parent context.Context) *Record {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	if t := r.plan.Pipeline.Timeout; t > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeoutCause(ctx, t, fmt.Errorf("%w after %s", ErrPipelineTimeout, t))
		defer stop()
	}
	// Clean-up nodes started after ctx ended run on cleanup: it ends only
	// when the run is hurried (a second Ctrl-C).
	cleanup, stopCleanup := context.WithCancelCause(context.WithoutCancel(ctx))
	defer stopCleanup(nil)
	r.e.logger().Debug("run started", "run", r.rec.ID, "pipeline", r.plan.Pipeline.Name, "max_parallel", r.limit, "schedule", r.opts.Schedule)

	r.sched.Lock()
	r.noteCancel(ctx)
	r.open()
	r.launch(ctx, cleanup, false)
	r.sched.Unlock()
	done := ctx.Done()
	hurry := r.opts.Hurry
	// waitFor is how long the run waits for modules once it is cancelled;
	// a hurry shortens it.
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
			r.noteCancel(ctx)
			r.launch(ctx, cleanup, false)
			r.sched.Unlock()
			t := time.NewTimer(waitFor)
			defer t.Stop()
			grace = t.C
		case <-hurry:
			hurry = nil
			r.sched.Lock()
			r.hurry()
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
			r.abandon(r.cause, waitFor)
			r.launch(ctx, cleanup, false)
			r.sched.Unlock()
		case <-flush: // off sched: encoding waits for no node
			r.journal.flush()
		case <-r.journal.full():
			r.journal.flush()
		}
	}
	// Every node has ended or been abandoned: what is left is ours.
	r.sched.Lock()
	if r.cause == nil && ctx.Err() != nil {
		// Cancelled as the last node ended: nothing may start now.
		r.cause = context.Cause(ctx)
	}
	rec := r.end()
	r.sched.Unlock()
	r.journal.finish(rec)
	if err := r.journal.close(); err != nil {
		r.e.logger().Warn("writing the run's journal", "err", err)
	}
	return rec
}

// noteCancel tells the core that the run's context has ended, the first
// time anyone under sched sees it: a node that ends just after a Ctrl-C
// must not start the nodes below it. Called with sched held.
func (r *run) noteCancel(ctx context.Context) {
	if r.cause == nil && ctx.Err() != nil {
		r.cancel(context.Cause(ctx))
	}
}

// launch starts the jobs the core began, each on a goroutine of its own,
// and hands nodes whose back-off is over their slot (their goroutine
// waits for it). With keep, the first job that holds a slot is not
// started but returned for the caller's goroutine to run (ok is false
// when there is none). Called with sched held.
func (r *run) launch(ctx, cleanup context.Context, keep bool) (next job, ok bool) {
	for _, j := range r.takeStarts() {
		if j.resume {
			if slot := r.resumed[j.i]; slot != nil {
				slot <- struct{}{} // buffered, told once: never blocks
				delete(r.resumed, j.i)
			}
			continue
		}
		if keep && !ok && j.slot {
			next, ok = j, true
			continue
		}
		go r.work(ctx, cleanup, j)
	}
	return next, ok
}

// work runs a node, records its result, starts what that made ready, and
// goes on with one of those nodes itself while there is one.
func (r *run) work(ctx, cleanup context.Context, j job) {
	for more := true; more; {
		res := r.runNode(ctx, cleanup, j)
		r.prepare(&res)
		r.sched.Lock()
		if r.nodes[j.i].abandoned {
			r.sched.Unlock()
			return
		}
		r.noteCancel(ctx)
		r.ended(res)
		j, more = r.launch(ctx, cleanup, true)
		if r.inflight == 0 {
			select {
			case r.wake <- struct{}{}:
			default: // already told
			}
		}
		r.sched.Unlock()
	}
}

// runNode runs one node: its attempts, through the run's executor, and
// the back-off between them, during which it holds no slot (see
// backoff.go).
func (r *run) runNode(ctx, cleanup context.Context, j job) (res nodeResult) {
	pn := &r.plan.nodes[j.p]
	res = nodeResult{i: j.i, with: j.with, started: j.started}
	defer func() { res.finished = time.Now() }()
	task := r.task(j)
	if pn.cache && r.opts.CacheDir != "" {
		task.cacheKey = new(string)
		defer func() { res.cacheKey = *task.cacheKey }()
	} else if r.plan.readsFiles(pn) {
		// What a resumed run compares: the files as the node reads them.
		// One that cannot be read fails the node, or it reads no such file:
		// then nothing is recorded, as before.
		res.files, _ = r.plan.fileDigests(ctx, j.p, j.with)
	}
	// Attempts run on the run's context; a clean-up node's on the
	// clean-up context (a hurried run ends it), as the run's has ended.
	actx := ctx
	if j.cleanup {
		actx = cleanup
	}
	for attempt := 1; ; attempt++ {
		res.attempts = attempt
		task.Attempt = attempt
		res.out, res.err = r.exec.Execute(actx, task)
		if res.err == nil {
			if res.files != nil {
				r.plan.filesAsLeft(ctx, j.p, j.with, res.files)
			}
			return
		}
		if actx.Err() != nil || attempt > pn.Retry.Limit || !retryable(res.err) {
			res.err = &NodeError{Node: j.id, Attempt: attempt, Err: res.err}
			return
		}
		delay := pn.Retry.Delay(attempt)
		r.nodeLogger(j.id).Warn("attempt failed, retrying", "attempt", attempt, "of", pn.Retry.Limit+1, "retry_in_ms", delay.Milliseconds(), "err", res.err)
		if !r.backOff(ctx, cleanup, actx, j.i, delay) {
			res.err, res.retryWait = &NodeError{Node: j.id, Attempt: attempt, Err: res.err}, true
			return
		}
		r.markRetry(task.LogFile, attempt+1, pn.Retry.Limit+1, res.err)
	}
}

// backOff waits out node i's back-off of delay, holding no slot, then
// waits for a slot again. It reports false when actx ended first: the
// node is cancelled while waiting to retry.
func (r *run) backOff(ctx, cleanup, actx context.Context, i int, delay time.Duration) bool {
	r.sched.Lock()
	r.noteCancel(ctx)
	r.backoff(i)
	r.launch(ctx, cleanup, false)
	r.sched.Unlock()

	t := time.NewTimer(delay)
	select {
	case <-t.C:
	case <-actx.Done():
		t.Stop()
		return false
	}

	slot := make(chan struct{}, 1)
	r.sched.Lock()
	r.noteCancel(ctx)
	if r.resumed == nil {
		r.resumed = make(map[int]chan struct{})
	}
	r.resumed[i] = slot
	r.retry(i)
	r.launch(ctx, cleanup, false) // may hand it its slot at once
	r.sched.Unlock()
	select {
	case <-slot:
		// With a slot, but the run may have ended meanwhile: the attempt
		// would only fail as cancelled.
		return actx.Err() == nil
	case <-actx.Done():
		r.sched.Lock()
		delete(r.resumed, i) // the core gives it no slot now
		r.sched.Unlock()
		return false
	}
}
