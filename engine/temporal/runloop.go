package temporal

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

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
	// version counts the turns of the loop: a follower that read a
	// version reads the nodes again only once it has moved.
	version int
	// outputs keeps the ends of what the latest attempts printed, for
	// followers.
	outputs keptOutputs
}

// turn returns the run's version (0 before it opened).
func (r *runLoop) turn() int {
	if r == nil {
		return 0
	}
	return r.version
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
	// ended is how the last attempt ended, for the worker of the next
	// (see priorAttempt).
	ended string
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
	var prior *priorAttempt
	if n.attempt > 1 {
		prior = &priorAttempt{Of: n.st.Retry.Limit + 1 + n.lost, Ended: n.ended}
	}
	fut, err := r.d.execute(n.ctx, task, prior)
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

// end tells the scheduler how node n ended, and starts what that allows.
func (r *runLoop) end(n *nodeRun, out *modules.Output, err error) {
	e := engine.Ended{Node: n.st.Task.Node, Output: out, Err: err, Attempts: n.attempt,
		Started: n.st.Started, Finished: workflow.Now(n.ctx)}
	if err != nil && n.lost > 0 {
		e.Reason = fmt.Sprintf("failed after %d attempts (%s)", n.attempt, n.note)
	}
	r.launch(r.sched.End(e))
}
