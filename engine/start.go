package engine

// This file holds how the core begins the nodes that may start: queued
// ones while slots are free, and those of modules that wait at once.

// takeStarts returns the jobs begun since the last call. The slice is
// the core's: it is valid until the next call into the core.
func (c *core) takeStarts() []job {
	s := c.starts
	c.starts = c.starts[:0]
	return s
}

// startQueued begins queued nodes while slots are free, and every node of
// a module that waits (those take no slot), appending them to starts. A
// node queued again after its back-off is resumed, not begun.
//
// Once the run is cancelled, only clean-up nodes start; the others are
// settled as cancelled.
func (c *core) startQueued() {
	// A queued node whose inputs fail as it would start readies what is
	// below it: a node of a module that waits joins freeQ, and starts
	// now too (it was left pending, and the run could end without it).
	for {
		c.startFree()
		c.startSlotted()
		if len(c.freeQ) == 0 {
			return
		}
	}
}

// startFree begins the nodes of freeQ, those of modules that wait (or
// resumes them after a back-off): they take no slot.
func (c *core) startFree() {
	for len(c.freeQ) > 0 { // startable may queue more
		i := c.freeQ[len(c.freeQ)-1]
		c.freeQ = c.freeQ[:len(c.freeQ)-1]
		switch st := &c.nodes[i]; {
		case st.done:
		case st.backoff == slotWanted:
			if c.resumes(i) {
				c.starts = append(c.starts, c.resume(i, false))
			}
		case c.startable(i) && c.startInputs(i):
			c.starts = append(c.starts, c.begin(i, false))
		}
	}
}

// startSlotted begins queued nodes while slots are free.
func (c *core) startSlotted() {
	for c.queue.Len() > 0 && c.slots < c.limit {
		i := c.queue.pop()
		st := &c.nodes[i]
		if st.backoff == slotWanted && !st.done {
			if c.resumes(i) {
				c.starts = append(c.starts, c.resume(i, true))
			}
			continue
		}
		// done: cancelled by fail_fast; inputs that cannot be resolved
		// settle it (startInputs)
		if st.done || !c.startable(i) || !c.startInputs(i) {
			continue
		}
		c.slots++
		c.starts = append(c.starts, c.begin(i, true))
	}
}

// begin marks node i running and hands over its inputs.
func (c *core) begin(i int, slot bool) job {
	st := &c.nodes[i]
	started := c.stamp
	if started.IsZero() {
		started = c.now()
	}
	j := job{i: i, p: i, with: st.with, started: started, cleanup: c.cause != nil, slot: slot}
	if i < len(c.plan.nodes) {
		j.id = c.plan.nodes[i].id
	} else {
		in := &c.inst[i-len(c.plan.nodes)]
		j.p, j.id = int(in.parent), in.id
	}
	st.with = nil
	st.cleanup = j.cleanup
	c.mu.Lock()
	st.rec.Status = StatusRunning
	st.rec.StartedAt = j.started.UTC()
	c.mu.Unlock()
	c.inflight++
	c.emit(NodeStarted, i)
	return j
}

// task is the first attempt of job j, as an executor gets it.
func (c *core) task(j job) Task {
	pn := &c.plan.nodes[j.p]
	t := Task{Run: c.rec.ID, Pipeline: c.plan.Pipeline.Name, Node: j.id, Module: pn.module, With: j.with, Timeout: pn.timeout, Attempt: 1,
		Priority: c.plan.Graph.Height(j.p), LogFile: c.logFile(j.id), Secrets: c.redact.Values(),
		Dangerous: pn.dangerous, Dir: c.plan.BaseDir, DirSet: c.plan.BaseDirSet, Env: c.progEnv, AllowDangerous: c.dangerOK, index: j.p}
	if j.cleanup && t.Timeout <= 0 {
		// The run was cancelled: a clean-up node is bounded all the same.
		t.Timeout = c.cleanupTimeout
	}
	return t
}
