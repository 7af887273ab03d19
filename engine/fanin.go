package engine

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
)

// The fan-in of a foreach node, once its instances have ended (see
// fanout.go), and whether a resumed run keeps an instance.

// fanIn settles foreach node p once its instances have ended: it failed
// when one failed (under continue_on_error it counts as succeeded, as a
// node does), was cancelled when one was, was skipped when all were, and
// succeeded otherwise. Its outputs hold, for each key an instance gave, a
// list of the instances' values in item order (null where an instance
// gave none), or a map by key.
func (c *core) fanIn(p int) {
	pn := &c.plan.nodes[p]
	st := &c.nodes[p]
	fan := st.fan
	counts := map[Status]int{}
	var started, finished time.Time
	var failed []string
	outKeys := map[string]struct{}{}
	var items []ItemView // nodes.<id>.items, made only when read
	if pn.itemsRead {
		items = make([]ItemView, fan.count)
	}
	kept := true
	for k := range fan.count {
		is := &c.nodes[fan.first+k]
		in := &c.inst[fan.first+k-len(c.plan.nodes)]
		rec := is.rec
		counts[rec.Status]++
		if rec.Status == StatusError && len(failed) < 3 {
			failed = append(failed, in.id)
		}
		if !rec.StartedAt.IsZero() && (started.IsZero() || rec.StartedAt.Before(started)) {
			started = rec.StartedAt
		}
		if rec.FinishedAt.After(finished) {
			finished = rec.FinishedAt
		}
		for key := range is.outputs {
			outKeys[key] = struct{}{}
		}
		kept = kept && is.kept
		if items != nil {
			items[k] = ItemView{Key: c.itemKey(in), Index: int(in.index), Item: fan.values[in.index], Status: string(rec.Status), Message: rec.Message, Outputs: is.outputs}
		}
	}
	first, insts := fan.first, c.inst[fan.first-len(c.plan.nodes):]
	outputs := make(map[string]any, len(outKeys))
	for _, key := range slices.Sorted(maps.Keys(outKeys)) {
		if fan.isMap {
			m := make(map[string]any, fan.count)
			for k := range fan.count {
				m[c.itemKey(&insts[k])] = c.nodes[first+k].outputs[key]
			}
			outputs[key] = m
			continue
		}
		list := make([]any, fan.count)
		for k := range fan.count {
			list[k] = c.nodes[first+k].outputs[key]
		}
		outputs[key] = list
	}
	status, reason := StatusSuccess, ""
	switch errs := counts[StatusError]; {
	case errs > 0:
		status = StatusError
		reason = fmt.Sprintf("%d of %d instances failed: %s", errs, fan.count, strings.Join(failed, ", "))
		if errs > len(failed) {
			reason += ", ..."
		}
	case counts[StatusCancelled] > 0:
		status, reason = StatusCancelled, fmt.Sprintf("%d of %d instances cancelled", counts[StatusCancelled], fan.count)
	case counts[StatusSkipped] == fan.count:
		status, reason = StatusSkipped, "every instance was skipped"
	}
	if kept {
		// Its instances kept, its fan-in is the one it gave only with the
		// same instances: a node below reads it whole.
		if why := c.whyItemsChanged(p); why != "" {
			kept = false
			if status == StatusSuccess {
				reason = NotKeptPrefix + c.opts.KeptFrom + ": " + why
			}
		}
	}
	tolerated := 0 // every instance that failed, when the node tolerates failures
	if pn.ContinueOnError {
		tolerated = counts[StatusError]
	}
	if started.IsZero() {
		started = c.now().UTC()
	}
	if finished.Before(started) {
		finished = started
	}
	recOutputs, resume := c.recordOutputs(outputs)
	c.mu.Lock()
	rec := st.rec
	rec.Resume = resume
	rec.Status, rec.Reason = status, c.redact.String(reason)
	if status == StatusError && pn.ContinueOnError {
		rec.Reason = tolerate(rec.Reason)
	}
	rec.Message = fmt.Sprintf("%d instances: %s", fan.count, CountsText(counts, tolerated))
	rec.Outputs = recOutputs
	rec.StartedAt, rec.FinishedAt = started, finished
	rec.DurationMS = finished.Sub(started).Milliseconds()
	c.mu.Unlock()
	st.outputs, fan.items, fan.waiting, fan.values, fan.env = outputs, items, nil, nil, reflect.Value{}
	st.passed = status == StatusSuccess || (status == StatusError && pn.ContinueOnError)
	st.kept = kept
	c.logResult(p)
	c.emit(NodeFinished, p)
}

// needsKept reports whether every need of node i kept its outputs from
// the earlier run (Options.Keep): only then may its instances keep theirs.
func (c *core) needsKept(i int) bool {
	for _, j := range c.plan.Graph.Needs(i) {
		if !c.nodes[j].kept {
			return false
		}
	}
	return true
}

// keepsInstance reports whether instance k succeeded in the earlier run
// and can keep what it left there (whyNotKept).
func (c *core) keepsInstance(k int) bool {
	kept, ok := c.opts.Keep[c.nodeID(k)]
	if !ok {
		return false
	}
	if why := c.whyNotKept(k, kept); why != "" {
		c.notKeeping(k, why)
		return false
	}
	return true
}

// whyItemsChanged says why foreach node p, every instance of it kept,
// is not the node it was in the earlier run: its instances are not the
// ones it had then (fewer, more, or others), so what a node below reads
// of it is not what it read. "" when they are.
func (c *core) whyItemsChanged(p int) string {
	k, ok := c.opts.Keep[c.plan.nodes[p].id]
	now := c.nodes[p].rec.Items
	switch {
	case !ok:
		return "it did not succeed"
	case slices.Equal(k.Items, now):
		return ""
	case len(k.Items) != len(now):
		return fmt.Sprintf("its items changed (%d, was %d)", len(now), len(k.Items))
	}
	return "its items changed"
}
