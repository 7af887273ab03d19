package engine

// This file holds what a resumed run (pipe run --resume) decides of a
// foreach node it does not run, before or without its run: one the
// selection left out (carry.go), and one a dry run explains. Both fan
// the node out as the run would once its needs were kept, decide each
// instance as the run does (keepsInstance), and then keep the lot or
// undo the fan-out.

// fanTrial fans foreach node i out as fanOut does, without queueing or
// telling anything, when a resumed run would keep what it can of it:
// the dangerous gate lets it run, every node it needs was kept, its
// `when` that reads no item holds, and its items are known. It returns
// the instances made, or nil when the node cannot be fanned out now, and
// the record the node had before (for unfan).
func (c *core) fanTrial(i int) (*fanState, NodeRecord) {
	pn := &c.plan.nodes[i]
	st := &c.nodes[i]
	c.mu.Lock()
	before := *st.rec
	c.mu.Unlock()
	if c.opts.Keep == nil || (pn.dangerous && !c.dangerOK) || !c.needsKept(i) {
		return nil, before
	}
	env := c.env(i, true)
	if pn.when != nil && pn.when.itemOff < 0 {
		if ok, err := c.whenHolds(i, env); err != nil || !ok {
			return nil, before
		}
	}
	items, keys, itemKeys, mapKeys, err := c.items(pn, env)
	if err != nil || len(items) == 0 {
		return nil, before
	}
	return c.makeInstances(i, items, keys, itemKeys, mapKeys, env), before
}

// instancesKept decides each instance of fan as a resumed run does as
// the node fans out (keepsInstance): those kept, in item order, and how
// many there are. An instance not kept says why in its record, when it
// succeeded in the earlier run.
func (c *core) instancesKept(fan *fanState) []int {
	var kept []int
	for k := fan.first; k < fan.first+fan.count; k++ {
		if c.keepsInstance(k) {
			kept = append(kept, k)
		}
	}
	return kept
}

// unfan undoes fanTrial of node i, whose instances are the last made:
// they are dropped, and its record is before again.
func (c *core) unfan(i int, before NodeRecord) {
	st := &c.nodes[i]
	fan := st.fan
	if fan == nil {
		return
	}
	n := len(c.plan.nodes)
	c.mu.Lock()
	for k := fan.first; k < fan.first+fan.count; k++ {
		delete(c.rec.Nodes, c.inst[k-n].id)
	}
	*st.rec = before
	c.mu.Unlock()
	for k := fan.first; k < fan.first+fan.count; k++ {
		delete(c.notKept, k)
	}
	c.nodes = c.nodes[:fan.first]
	c.inst = c.inst[:fan.first-n]
	st.fan = nil
}

// carriesFan reports whether foreach node i, left out by the selection,
// carries over (see carries): it fans out as the run would, every
// instance is kept, and its instances are those it had (its fan-in the
// same). It is then left fanned out, for keepFan; otherwise as it was.
func (c *core) carriesFan(i int) bool {
	fan, before := c.fanTrial(i)
	if fan == nil {
		return false
	}
	if len(c.instancesKept(fan)) == fan.count && c.whyItemsChanged(i) == "" {
		return true
	}
	c.unfan(i, before)
	return false
}

// keepFan keeps every instance of foreach node i, which carriesFan left
// fanned out, and fans it in: the node is kept with its fan-in.
func (c *core) keepFan(i int) {
	fan := c.nodes[i].fan
	for k := fan.first; k < fan.first+fan.count; k++ {
		c.keep(k)
		c.nodes[k].done = true
	}
	fan.left = 0
	c.fanIn(i)
}
