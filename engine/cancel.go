package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// This file holds what a cancelled run does: settle the nodes that will
// not start, keep and start the clean-up nodes, and give up on modules
// that ignore their cancellation.

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
	r.cancelNode(i, "not started: run "+causeText(context.Cause(ctx)), true)
	return false
}

// cancelNode settles node i as cancelled, for reason, and marks it done.
// With readyBelow, the nodes it was the last need of are readied: a
// clean-up node below it may run.
func (r *run) cancelNode(i int, reason string, readyBelow bool) {
	r.settle(i, StatusCancelled, reason, "")
	r.nodes[i].done = true
	if readyBelow {
		for _, d := range r.release(i, nil) {
			r.ready(d)
		}
	}
}

// abandon gives up on the nodes still running a grace after the run was
// cancelled: their modules ignore cancellation. Each is settled as
// cancelled, and its goroutine will drop its result when it ends.
//
// Clean-up nodes are not abandoned here: each is bounded by its own
// time-out (see runNode).
func (r *run) abandon(cause error, waited time.Duration) {
	reason := fmt.Sprintf("cancelled while running (run %s); %v within %s", causeText(cause), ErrNotStopped, waited)
	for i := range r.nodes {
		st := &r.nodes[i]
		if st.rec.Status == StatusRunning && (!st.cleanup || r.hurried) {
			st.abandoned = true
			r.inflight--
			if !r.plan.nodes[i].info.Waits {
				r.slots--
			}
			r.cancelNode(i, reason, true)
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
		r.cancelNode(i, reason, cleanup)
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
			r.cancelNode(i, reason, cleanup)
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
