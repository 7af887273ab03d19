package engine

// This file holds the core's side of a node that waits between two
// attempts. A node waiting out its retry back-off does no work, so it
// gives up its slot, and an instance its place under its node's
// max_parallel: a back-off of a minute must not stall the nodes behind it
// (go-task's rule: a slot is held only while a task runs). When the
// back-off ends, its driver tells the core, and the node waits for a slot
// in the same queue, and in the same order, as any ready node; the core
// hands it back to its driver as a job with resume set.
//
// The node stays running all the while (its record, the run's count of
// nodes in flight): only its driver, which keeps the clock, ends it.

// backoffState says where a running node is between two attempts.
type backoffState uint8

const (
	// attempting: running an attempt (or not started yet). A node of a
	// module that does not wait holds a slot.
	attempting backoffState = iota
	// backingOff: waiting out its back-off, holding no slot.
	backingOff
	// slotWanted: its back-off over, queued (or held by its node's
	// max_parallel) for a slot, still holding none.
	slotWanted
)

// holdsSlot reports whether node i holds one of the run's slots, given
// that it runs.
func (c *core) holdsSlot(i int) bool {
	return !c.pn(i).info.Waits && c.nodes[i].backoff == attempting
}

// backoff tells the core that running node i failed an attempt and waits
// out its back-off before the next: it gives up its slot, and an instance
// its place under its node's max_parallel, and what waited for them may
// start now. A node that is not running an attempt (it ended, was
// abandoned, or backs off already) changes nothing.
func (c *core) backoff(i int) {
	st := &c.nodes[i]
	if st.done || st.fan != nil || st.rec.Status != StatusRunning || st.backoff != attempting {
		return
	}
	if !c.pn(i).info.Waits {
		c.slots--
	}
	st.backoff = backingOff
	if i >= len(c.plan.nodes) {
		in := &c.inst[i-len(c.plan.nodes)]
		if in.admitted {
			in.admitted = false
			fan := c.nodes[in.parent].fan
			fan.admitted--
			c.admitWaiting(int(in.parent))
		}
	}
	c.startQueued()
}

// retry tells the core that node i's back-off has ended: it waits for a
// slot like a ready node (an instance first for its place under its
// node's max_parallel), and is handed back to its driver, as a job with
// resume set, when it has one; at once when one is free. A node that is
// not backing off changes nothing.
func (c *core) retry(i int) {
	st := &c.nodes[i]
	if st.done || st.backoff != backingOff {
		return
	}
	st.backoff = slotWanted
	switch {
	case i >= len(c.plan.nodes):
		c.admit(i)
	case c.pn(i).info.Waits:
		c.freeQ = append(c.freeQ, i)
	default:
		c.queue.push(i)
	}
	c.startQueued()
}

// resumes reports whether node i, queued for a slot after its back-off,
// may take one. Once the run is cancelled only a clean-up node still may
// (it runs on the clean-up context): any other is left to its driver,
// whose context has ended, to end as cancelled while waiting to retry.
func (c *core) resumes(i int) bool {
	return c.cause == nil || (c.nodes[i].cleanup && !c.hurried)
}

// resume hands node i, whose back-off is over, back to its driver for its
// next attempt, with a slot when slot is set.
func (c *core) resume(i int, slot bool) job {
	st := &c.nodes[i]
	st.backoff = attempting
	if slot {
		c.slots++
	}
	j := job{i: i, p: i, resume: true, cleanup: st.cleanup, slot: slot}
	if i < len(c.plan.nodes) {
		j.id = c.plan.nodes[i].id
	} else {
		in := &c.inst[i-len(c.plan.nodes)]
		j.p, j.id = int(in.parent), in.id
	}
	return j
}
