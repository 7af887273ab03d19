package engine

import (
	"errors"
	"fmt"
	"time"
)

// This file holds what a cancelled run does: settle the nodes that will
// not start, keep and start the clean-up nodes, and give up on modules
// that ignore their cancellation.

// cleansUp reports whether node i still runs once the run is cancelled: a
// clean-up node, while the run is not hurried.
func (c *core) cleansUp(i int) bool { return c.pn(i).runsOnCancel() && !c.hurried }

// startable reports whether queued node i may start. After the run is
// cancelled only clean-up nodes may: any other is settled as cancelled, and
// what that readies is readied.
func (c *core) startable(i int) bool {
	if c.cause == nil || c.cleansUp(i) {
		return true
	}
	c.cancelNode(i, notStarted(c.cause), true)
	return false
}

// cancelNode settles node i as cancelled, for reason, and marks it done.
// With readyBelow, the nodes it was the last need of are readied: a
// clean-up node below it may run.
func (c *core) cancelNode(i int, reason string, readyBelow bool) {
	c.settle(i, StatusCancelled, reason, "")
	c.nodes[i].done = true
	if readyBelow {
		for _, d := range c.release(i, nil) {
			c.ready(d)
		}
	}
}

// abandon gives up on the nodes still running a grace after the run was
// cancelled: their modules ignore cancellation. Each is settled as
// cancelled, and its goroutine will drop its result when it ends.
//
// Clean-up nodes are not abandoned here: each is bounded by its own
// time-out (see runNode).
func (c *core) abandon(cause error, waited time.Duration) {
	reason := fmt.Sprintf("cancelled while running (run %s); %v within %s", causeText(cause), ErrNotStopped, waited)
	for i := range c.nodes {
		st := &c.nodes[i]
		if st.rec.Status == StatusRunning && st.fan == nil && (!st.cleanup || c.hurried) {
			st.abandoned = true
			c.inflight--
			if c.holdsSlot(i) {
				c.slots--
			}
			c.cancelNode(i, reason, true)
		}
	}
	c.startQueued()
}

// cancelWaiting settles every selected node that has not started, except
// clean-up nodes (their when calls always() or cancelled()): those wait
// for their needs to end and may then run, and the queued ones start now.
//
// Once no node runs any more (cleanup false), nothing is kept or started.
func (c *core) cancelWaiting(cause error, cleanup bool) {
	reason := notStarted(cause)
	var keep []int
	waiting := append(c.queue.drain(), c.freeQ...) // a copy: ready may queue more below
	c.freeQ = c.freeQ[:0]
	for _, i := range waiting {
		if c.nodes[i].done { // an instance cancelled by fail_fast
			continue
		}
		if c.nodes[i].backoff != attempting {
			// Queued again after its back-off: it started, and its driver
			// ends it (see resumes), unless it runs on as a clean-up node.
			if cleanup && c.resumes(i) {
				keep = append(keep, i)
			}
			continue
		}
		if cleanup && c.cleansUp(i) {
			keep = append(keep, i)
			continue
		}
		c.cancelNode(i, reason, cleanup)
	}
	for _, i := range keep {
		if c.pn(i).info.Waits {
			c.freeQ = append(c.freeQ, i)
		} else {
			c.queue.push(i)
		}
	}
	for i := range c.nodes {
		st := &c.nodes[i]
		if st.selected && !st.done && st.rec.Status == StatusPending && !(cleanup && c.cleansUp(i)) {
			c.cancelNode(i, reason, cleanup)
		}
	}
	if cleanup {
		c.startQueued()
	}
}

// notStarted is the reason of a node the run's end kept from starting:
// "not started: run interrupted", "not started: pipeline timed out after
// 2s".
func notStarted(cause error) string {
	if cause == nil || errors.Is(cause, ErrInterrupted) {
		return "not started: run " + causeText(cause)
	}
	return "not started: " + cause.Error()
}

func causeText(cause error) string {
	switch {
	case errors.Is(cause, ErrInterrupted):
		// One that says more (interrupted: pipe's output was closed)
		// says it whole.
		return cause.Error()
	case cause == nil:
		return "cancelled"
	}
	return cause.Error()
}
