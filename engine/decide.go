package engine

import (
	"fmt"
	"reflect"
)

// This file holds the run's decisions: which ready node runs, is
// skipped or fails before it starts, and why (the dangerous gate, the
// needs' outcomes, `when`), and what a finished node readies.

// ready is called once per selected node when its needs are done: it
// decides whether the node runs and queues it, or settles it at once.
func (c *core) ready(i int) {
	if c.nodes[i].done {
		// Settled while it waited for its level (the run was cancelled):
		// readying it again would release what is below it twice.
		return
	}
	if c.opts.Schedule == Levels {
		if l := c.plan.Graph.Level(i); l > c.level {
			c.held[l] = append(c.held[l], i)
			return
		}
	}
	// The work list reuses the core's buffer; a ready nested in this one
	// (a level that opens, in the levels schedule) makes its own.
	work := append(c.readyBuf[:0], i)
	c.readyBuf = nil
	defer func() { c.readyBuf = work[:0] }()
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		if c.cause != nil && !c.cleansUp(i) {
			c.settle(i, StatusCancelled, notStarted(c.cause), "")
			work = c.release(i, work) // a clean-up node below may now be ready
			continue
		}
		if c.plan.nodes[i].fans {
			work = c.fanOut(i, work)
			continue
		}
		if c.opts.Keep != nil && c.keeps(i) {
			c.keep(i)
			work = c.release(i, work)
			continue
		}
		if status, reason := c.decide(i); status != "" {
			c.settle(i, status, reason, "")
			work = c.release(i, work)
		} else if c.plan.nodes[i].info.Waits {
			c.freeQ = append(c.freeQ, i)
		} else {
			c.queue.push(i)
		}
	}
}

// release marks node i done and returns work with the dependents that became
// ready (in the levels schedule they may be held instead).
func (c *core) release(i int, work []int) []int {
	if i >= len(c.plan.nodes) {
		return c.instanceDone(i, work)
	}
	st := &c.nodes[i]
	st.done = true
	if c.opts.Schedule == Levels {
		c.levelDone(c.plan.Graph.Level(i))
	}
	failed := st.failedAbove || (st.rec.Status == StatusError && !c.plan.nodes[i].continueOnError)
	blocked := st.blockedBy
	if blocked == "" && st.rec.Status == StatusSkipped && c.plan.nodes[i].dangerous && !c.dangerOK {
		blocked = c.plan.nodes[i].id
	}
	notPassed := !st.passed
	for _, d := range c.plan.Graph.Dependents(i) {
		ds := &c.nodes[d]
		if !ds.selected || ds.done {
			continue
		}
		ds.failedAbove = ds.failedAbove || failed
		ds.needFailed = ds.needFailed || notPassed
		if ds.blockedBy == "" {
			ds.blockedBy = blocked
		}
		if ds.pending--; ds.pending == 0 {
			if c.opts.Schedule == Levels && c.plan.Graph.Level(d) > c.level {
				c.held[c.plan.Graph.Level(d)] = append(c.held[c.plan.Graph.Level(d)], d)
				continue
			}
			work = append(work, d)
		}
	}
	return work
}

// levelDone counts a finished node of level l and opens the next levels
// once the open one is complete.
func (c *core) levelDone(l int) {
	c.levelLeft[l]--
	for c.level < len(c.levelLeft) && c.levelLeft[c.level] == 0 {
		c.level++
		if c.level < len(c.held) {
			held := c.held[c.level]
			c.held[c.level] = nil
			for _, i := range held {
				c.ready(i)
			}
		}
	}
}

// decide applies the safety gate, the needs' outcomes and `when` to a
// ready node. It returns a final status with its reason for a node that
// will not run, else "": its inputs are resolved as it starts
// (startInputs), or in a run that resolves them as it is readied, now.
func (c *core) decide(i int) (Status, string) {
	status, reason, success := c.gate(i)
	if status != "" {
		return status, reason
	}
	if c.inputsWhenReady {
		return c.decideWithInputs(i, c.env(i, success))
	}
	if c.plan.nodes[i].when == nil {
		return "", ""
	}
	return c.evaluateWhen(i, c.env(i, success))
}

// startInputs resolves the inputs of node or instance i as it starts,
// not as it is readied: only the nodes running hold theirs. 300 instances
// of a 4 MB input held 1.2 GB before the first had started, and a ready
// node waiting for a slot held its inputs as long as it waited. It
// reports whether i starts: when its inputs cannot be resolved it fails,
// and what that readies is readied.
func (c *core) startInputs(i int) bool {
	if c.inputsWhenReady {
		return true // resolved as it was readied (decideWithInputs)
	}
	var env any
	if pn := c.pn(i); pn.templates != nil {
		if i >= len(c.plan.nodes) {
			env = c.itemEnv(i)
		} else {
			success, _ := c.needsSucceeded(i)
			env = c.env(i, success)
		}
	}
	with, err := c.inputs(i, env)
	if err != nil {
		c.settle(i, StatusError, err.Error(), "")
		for _, d := range c.release(i, nil) {
			c.ready(d)
		}
		return false
	}
	c.nodes[i].with = with
	return true
}

// gate applies the safety gate and the needs' outcomes to ready node i:
// it returns a final status with its reason for a node that will not run,
// or whether every need succeeded.
func (c *core) gate(i int) (Status, string, bool) {
	pn := &c.plan.nodes[i]
	st := &c.nodes[i]
	if pn.dangerous && !c.dangerOK {
		return StatusSkipped, "dangerous module disabled: set " + DangerKey + "=true to run it", false
	}
	if st.blockedBy != "" {
		return StatusSkipped, fmt.Sprintf("needs %s, a dangerous node that is disabled", st.blockedBy), false
	}
	success, why := c.needsSucceeded(i)
	if pn.when == nil || !pn.when.usesStatus {
		if !success {
			return StatusSkipped, why, false
		}
	}
	return "", "", success
}

// evaluateWhen applies `when` to node or instance i in env: a final
// status with its reason for a node that will not run, else "". An
// instance's `when` that reads no item was decided once, for its foreach
// node.
func (c *core) evaluateWhen(i int, env any) (Status, string) {
	pn := c.pn(i)
	if pn.when != nil && (i < len(c.plan.nodes) || pn.when.itemOff >= 0) {
		ok, err := c.whenHolds(i, env)
		if err != nil {
			return StatusError, c.exprFailed(whenPlace(pn.Node), "when: "+pn.When, pn.When, env, err).Error()
		}
		if !ok {
			return StatusSkipped, "when is false: " + pn.When
		}
	}
	return "", ""
}

// needsSucceeded reports whether every need of node i succeeded (an error
// under continue_on_error counts), and if not, why.
func (c *core) needsSucceeded(i int) (bool, string) {
	if !c.nodes[i].needFailed {
		return true, ""
	}
	for _, j := range c.plan.Graph.Needs(i) {
		rec := c.nodes[j].rec
		switch {
		case rec.Status == StatusSuccess:
		case rec.Status == StatusError && c.plan.nodes[j].ContinueOnError:
		case rec.Status == StatusError:
			return false, fmt.Sprintf("need %s failed", c.plan.nodes[j].ID)
		default:
			return false, fmt.Sprintf("need %s was %s", c.plan.nodes[j].ID, rec.Status)
		}
	}
	return true, ""
}

// env builds the expression environment of node i; nil when it has no
// expression to evaluate.
func (c *core) env(i int, success bool) any {
	pn := c.pn(i)
	if !pn.exprs {
		return nil
	}
	if i >= len(c.plan.nodes) {
		return c.itemEnv(i)
	}
	v := c.envOf(pn.refs)
	v.Field(fieldSuccess).Set(reflect.ValueOf(boolFunc(success)))
	v.Field(fieldFailure).Set(reflect.ValueOf(boolFunc(c.nodes[i].failedAbove)))
	v.Field(fieldAlways).Set(reflect.ValueOf(boolFunc(true)))
	v.Field(fieldCancelled).Set(reflect.ValueOf(boolFunc(c.cause != nil)))
	return v.Addr().Interface() // the pointer: Interface of the struct would copy it
}

// envOf builds an expression environment that sees config, the run, the
// pipeline and the nodes refs; the status functions are left to set.
func (c *core) envOf(refs []int) reflect.Value {
	v := reflect.New(c.plan.env.typ).Elem()
	v.Field(fieldConfig).Set(c.cfgVal)
	if len(refs) > 0 {
		views := make(map[string]NodeView, len(refs))
		for _, j := range refs {
			rec := c.nodes[j].rec
			view := NodeView{Status: string(rec.Status), Message: rec.Message, Outputs: c.nodes[j].outputs}
			if fan := c.nodes[j].fan; fan != nil {
				view.Items = fan.items
			}
			views[c.plan.nodes[j].id] = view
		}
		v.Field(fieldNodes).Set(reflect.ValueOf(views))
	}
	pl := c.plan.Pipeline
	v.Field(fieldPipeline).Set(reflect.ValueOf(PipelineView{Name: pl.Name, Description: pl.Description, File: pl.Source.Name}))
	v.Field(fieldRun).Set(reflect.ValueOf(RunView{ID: c.rec.ID}))
	return v
}
