package engine

import (
	"errors"
	"reflect"
	"slices"
	"strings"
)

// This file holds the core's decisions for foreach nodes: a ready foreach
// node fans out into one instance per item, node[key], each decided,
// queued and recorded like a node of its own; once every instance has
// ended, the node fans in (fanin.go): its status, its outputs as lists in item order
// (maps by key for a map), and what its dependents see.
//
// Instances are appended to core.nodes after the plan's nodes, so that
// everything that takes a node's index (the queue, jobs, settle, finish,
// cancellation) takes an instance's too. Items come in a fixed order (a
// list's, a map's sorted keys): the core stays deterministic.

// instance is one item of a foreach node. Its key is its node's record's
// Items[index] and its item the node's fanState.values[index], which keeps
// it at 32 bytes: a fan-out makes one per item.
type instance struct {
	id     string // parent[key]
	parent int32  // the foreach node's index in the plan
	index  int32
	// admitted is set while the instance is queued or running (not while
	// it waits out a retry's back-off): it counts against the node's
	// max_parallel.
	admitted bool
}

// fanState is a foreach node's instances while they run.
type fanState struct {
	first, count int // the instances are core.nodes[first : first+count]
	left         int // instances not ended yet
	admitted     int // instances queued or running
	// waiting holds instances held back by max_parallel, in item order
	// then in the order their back-offs ended (see backoff.go); next is
	// the first not yet admitted.
	waiting []int
	next    int
	isMap   bool
	// mapKeys are the keys of the map the items came from, in order (nil
	// for a list): item_key and the fan-in's keys, which name instances
	// only where they can (see safeKeys).
	mapKeys []string
	// itemKeys are the keys of a list's items where indexes name its
	// instances because a key would show a secret (see core.items): what
	// item_key reads. nil otherwise.
	itemKeys []string
	// values are the items, in order.
	values []any
	// failed is the instance whose failure cancelled the others
	// (fail_fast); "" while none has.
	failed string
	// items is nodes.<id>.items, made when the node fans in.
	items []ItemView
	// byID finds an instance by id, for Scheduler.End; made on first use.
	byID map[string]int
	// env points to the node's expression environment until it fans in:
	// its instances are decided at once as it fans out, and their inputs
	// resolved as each starts, each in turn setting its item there (see
	// itemEnv).
	env reflect.Value
}

// maxItems bounds one node's fan-out: an expression over a large output
// must not make millions of instances by mistake.
const maxItems = 1_000_000

// pn returns the plan node of node or instance i.
func (c *core) pn(i int) *planNode {
	if n := len(c.plan.nodes); i >= n {
		i = int(c.inst[i-n].parent)
	}
	return &c.plan.nodes[i]
}

// nodeID returns the id of node or instance i.
func (c *core) nodeID(i int) string {
	if n := len(c.plan.nodes); i >= n {
		return c.inst[i-n].id
	}
	return c.plan.nodes[i].id
}

// height is the queue's priority of node or instance i: its node's.
func (c *core) height(i int) int {
	if n := len(c.plan.nodes); i >= n {
		i = int(c.inst[i-n].parent)
	}
	return c.plan.Graph.Height(i)
}

// instanceIndex finds an instance by its id, node[key].
func (c *core) instanceIndex(id string) (int, bool) {
	name, _, ok := strings.Cut(id, "[")
	if !ok {
		return 0, false
	}
	p, ok := c.plan.Graph.Index(name)
	if !ok || c.nodes[p].fan == nil {
		return 0, false
	}
	fan := c.nodes[p].fan
	if fan.byID == nil {
		fan.byID = make(map[string]int, fan.count)
		for k := fan.first; k < fan.first+fan.count; k++ {
			fan.byID[c.inst[k-len(c.plan.nodes)].id] = k
		}
	}
	k, ok := fan.byID[id]
	return k, ok
}

// fanOut decides ready foreach node i: the gate and its needs as for any
// node, a `when` that reads no item once, then its items. It settles the
// node when it will not run, else makes its instances and decides each.
// It returns work with what the node's end readied.
func (c *core) fanOut(i int, work []int) []int {
	pn := &c.plan.nodes[i]
	status, reason, success := c.gate(i)
	var items []any
	var keys []string
	var env any
	var itemKeys, mapKeys []string
	if status == "" {
		env = c.env(i, success)
		if pn.when != nil && pn.when.itemOff < 0 {
			status, reason = c.evaluateWhen(i, env)
		}
		if status == "" {
			var err error
			var none *noItemsError
			if items, keys, itemKeys, mapKeys, err = c.items(pn, env); errors.As(err, &none) {
				status, reason = StatusSkipped, err.Error()
			} else if err != nil {
				status, reason = StatusError, c.foreachFailed(pn, err)
			} else if len(items) == 0 {
				status, reason = StatusSkipped, "foreach gave no items"
			}
		}
	}
	if status != "" {
		c.settle(i, status, reason, "")
		return c.release(i, work)
	}
	if queued := len(items); !pn.info.Waits {
		if pn.MaxParallel > 0 {
			queued = min(queued, pn.MaxParallel)
		}
		// At once rather than by appends: a large fan-out's queue would
		// otherwise be copied as it grows, 40 bytes an instance.
		c.queue.keys = slices.Grow(c.queue.keys, queued)
	}
	fan := c.makeInstances(i, items, keys, itemKeys, mapKeys, env)
	c.emit(NodeStarted, i)
	keepAll := c.opts.Keep != nil && c.needsKept(i)
	for k := fan.first; k < fan.first+fan.count; k++ {
		switch {
		case c.nodes[k].done:
			// Cancelled by fail_fast: an instance before it failed its
			// `when`, and the node may have fanned in already.
		case c.cause != nil && !c.cleansUp(k):
			c.settle(k, StatusCancelled, notStarted(c.cause), "")
			work = c.release(k, work)
		case keepAll && c.keepsInstance(k):
			c.keep(k)
			work = c.release(k, work)
		default:
			// Its inputs are resolved as it starts (startInputs), or in a
			// run that resolves them as each is readied, now.
			env := c.env(k, success)
			status, reason := c.evaluateWhen(k, env)
			if status == "" && c.inputsWhenReady {
				status, reason = c.readyInputs(k, env)
			}
			if status != "" {
				c.settle(k, status, reason, "")
				work = c.release(k, work)
			} else {
				c.admit(k)
			}
		}
	}
	return work
}

// makeInstances makes foreach node i's instances, one per item, each
// pending with a record of its own, and sets the node running: its
// instances are the fan it returns. Nothing is queued or told yet.
func (c *core) makeInstances(i int, items []any, keys, itemKeys, mapKeys []string, env any) *fanState {
	pn := &c.plan.nodes[i]
	n := len(c.plan.nodes)
	fan := &fanState{first: len(c.nodes), count: len(items), left: len(items), isMap: mapKeys != nil, mapKeys: mapKeys, itemKeys: itemKeys, values: items}
	if env != nil {
		// One environment for every instance, each setting its item in
		// turn: they are evaluated one at a time (below, and as each
		// starts), and nothing keeps the environment once they are.
		fan.env = reflect.ValueOf(env) // a pointer (see env)
	}
	recs := make([]NodeRecord, len(items))
	c.nodes = slices.Grow(c.nodes, len(items))
	c.inst = slices.Grow(c.inst, len(items))
	for k := range items {
		c.inst = append(c.inst, instance{parent: int32(i), id: pn.ID + "[" + keys[k] + "]", index: int32(k)})
		recs[k] = NodeRecord{Module: pn.Module, Status: StatusPending}
		c.nodes = append(c.nodes, nodeState{rec: &recs[k], selected: true, failedAbove: c.nodes[i].failedAbove})
	}
	c.nodes[i].fan = fan
	c.mu.Lock()
	rec := c.nodes[i].rec
	rec.Status, rec.StartedAt, rec.Items = StatusRunning, c.now().UTC(), keys
	for k := range items {
		c.rec.Nodes[c.inst[fan.first+k-n].id] = &recs[k]
	}
	c.mu.Unlock()
	return fan
}

// itemEnv is the expression environment of instance k: its node's, with
// its item set. It is valid until the next instance's.
func (c *core) itemEnv(k int) any {
	in := &c.inst[k-len(c.plan.nodes)]
	fan := c.nodes[in.parent].fan
	env := fan.env
	v := env.Elem()
	v.Field(fieldItem).Set(reflect.ValueOf(&fan.values[in.index]).Elem())
	v.Field(fieldItemKey).SetString(c.itemKey(in))
	v.Field(fieldItemIndex).SetInt(int64(in.index))
	return env.Interface()
}

// instKey is instance in's key: its node's record lists them.
func (c *core) instKey(in *instance) string {
	return c.nodes[in.parent].rec.Items[in.index]
}

// itemKey is instance in's item_key: its key in the map the foreach gave,
// else the key that names it.
func (c *core) itemKey(in *instance) string {
	fan := c.nodes[in.parent].fan
	if fan.mapKeys != nil {
		return fan.mapKeys[in.index]
	}
	if fan.itemKeys != nil {
		return fan.itemKeys[in.index]
	}
	return c.instKey(in)
}

// admit queues ready instance k, or holds it back while its node's
// max_parallel instances are queued or running.
func (c *core) admit(k int) {
	in := &c.inst[k-len(c.plan.nodes)]
	pn := &c.plan.nodes[in.parent]
	fan := c.nodes[in.parent].fan
	if pn.MaxParallel > 0 && fan.admitted >= pn.MaxParallel {
		fan.waiting = append(fan.waiting, k)
		return
	}
	fan.admitted++
	in.admitted = true
	if pn.info.Waits {
		c.freeQ = append(c.freeQ, k)
	} else {
		c.queue.push(k)
	}
}

// instanceDone marks instance k done: it frees its place under
// max_parallel, applies fail_fast, and fans its node in once every
// instance has ended. It returns work with what that readied.
func (c *core) instanceDone(k int, work []int) []int {
	in := &c.inst[k-len(c.plan.nodes)]
	p := int(in.parent)
	pn := &c.plan.nodes[p]
	fan := c.nodes[p].fan
	st := &c.nodes[k]
	st.done = true
	if in.admitted {
		in.admitted = false
		fan.admitted--
	}
	if pn.FailFast && fan.failed == "" && st.rec.Status == StatusError && !pn.ContinueOnError {
		fan.failed = in.id
		c.failFast(p)
	}
	c.admitWaiting(p)
	if fan.left--; fan.left == 0 {
		c.fanIn(p)
		return c.release(p, work)
	}
	return work
}

// admitWaiting admits the instances of node p held back by its
// max_parallel while it has room.
func (c *core) admitWaiting(p int) {
	pn := &c.plan.nodes[p]
	fan := c.nodes[p].fan
	for fan.next < len(fan.waiting) && (pn.MaxParallel == 0 || fan.admitted < pn.MaxParallel) {
		w := fan.waiting[fan.next]
		fan.next++
		if !c.nodes[w].done {
			c.admit(w)
		}
	}
}

// failFast cancels the instances of node p that have not started, once
// one has failed. Those running go on to their end.
func (c *core) failFast(p int) {
	fan := c.nodes[p].fan
	reason := "not started: fail_fast, " + fan.failed + " failed"
	for k := fan.first; k < fan.first+fan.count; k++ {
		st := &c.nodes[k]
		if st.done || st.rec.Status != StatusPending {
			continue
		}
		c.settle(k, StatusCancelled, reason, "")
		st.done, st.with = true, nil
		if in := &c.inst[k-len(c.plan.nodes)]; in.admitted {
			in.admitted = false
			fan.admitted--
		}
		fan.left-- // the queue skips it: it is done
	}
}
