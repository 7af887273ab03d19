package temporal

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/modules"
)

// settle reads an attempt's end: the node ends, or runs again (a lost
// worker; a failure its retries allow, after the back-off).
func (r *runLoop) settle(n *nodeRun, f workflow.Future) {
	out, worker, tail, err := result(n.ctx, f, n.st.Task)
	if worker != "" {
		r.workers[n.st.Task.Node] = worker
	}
	if tail != nil {
		// Kept once decided, which says whether the node runs again.
		node, attempt := n.st.Task.Node, n.attempt
		defer func() {
			r.outputs.add(NodeOutput{Node: node, Attempt: attempt, Worker: worker, OutputTail: *tail, At: r.version,
				Retried: r.retrying[node].attempts == attempt})
		}()
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
	var w *wireError
	otherFile := errors.As(err, &w) && w.kind == errOtherFile
	if isLost(err) && n.lost >= maxLostAttempts && !otherFile {
		// In words, not the SDK's: the text is the node's message.
		err = &lostError{err: err, msg: fmt.Sprintf("lost with its worker %d times: each stopped heartbeating for %s (workers that die or hang on this node, or a --heartbeat too short for them)",
			n.lost+1, r.d.heartbeat)}
	}
	if err != nil {
		n.ended = err.Error()
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
		if errors.As(err, &w) && w.kind == errStopped {
			n.note = fmt.Sprintf("attempt %d lost: %s", n.attempt, w.msg)
		}
		if otherFile {
			n.note = fmt.Sprintf("attempt %d refused %s", n.attempt, w.msg)
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
