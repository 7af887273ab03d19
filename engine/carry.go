package engine

// This file holds what a resumed run (pipe run --resume) does with the
// nodes its selection leaves out (--only, --skip, --tags, --no-web): one
// that succeeded in the run it resumes, and would be kept were it
// selected, is kept, with its record and outputs, rather than recorded
// as not selected; so that resuming a resumed run loses nothing of what
// the first run did.

// carryOver keeps the nodes the selection left out that carry over
// (carries), in the graph's order, once the selected nodes have ended:
// whether one is kept depends on whether its needs were.
func (c *core) carryOver() {
	if c.opts.Keep == nil {
		return
	}
	for _, i := range c.plan.Graph.Order() {
		switch {
		case !c.carries(i):
		case c.plan.nodes[i].fans:
			c.keepFan(i)
		default:
			c.keep(i)
		}
	}
}

// carries reports whether node i, left out by the selection, succeeded
// in the run resumed and would be kept there (keeps: its needs kept, its
// definition, what it reads and its record the same). A foreach node
// carries over when every instance it would have now would be kept, and
// they are the instances it had (carriesFan): it is left fanned out. One
// that does not carry over keeps its reason: not selected.
func (c *core) carries(i int) bool {
	st := &c.nodes[i]
	if st.selected {
		return false
	}
	if _, ok := c.opts.Keep[c.plan.nodes[i].id]; !ok {
		return false
	}
	if c.plan.nodes[i].fans {
		return c.carriesFan(i)
	}
	reason := st.rec.Reason
	if c.keeps(i) {
		return true
	}
	c.mu.Lock()
	st.rec.Reason = reason // keeps said why it would run again
	c.mu.Unlock()
	delete(c.notKept, i)
	return false
}
