package engine

import (
	"fmt"
	"slices"
	"strings"
)

// What a dry run of a resumed run (pipe run --resume --dry-run) says of
// a foreach node: the run keeps or runs each instance as the node fans
// out, so the dry run fans it out as the run would (fanTrial), decides
// each instance as the run does, and says which it keeps and which it
// runs, before undoing the fan-out.

// maxNamedInstances bounds the instances a dry run names in one line;
// the others are counted.
const maxNamedInstances = 5

// explainFan says what a resumed run does with foreach node i, selected,
// when it can know now: every node it needs kept, its items known. ok is
// false when it cannot: the node's instances are then decided as any
// node (they all run, or the node is skipped).
func (c *core) explainFan(i int) (w Would, why string, ok bool) {
	fan, before := c.fanTrial(i)
	if fan == nil {
		return "", "", false
	}
	defer c.unfan(i, before)
	kept := c.instancesKept(fan)
	if len(kept) == fan.count {
		if items := c.whyItemsChanged(i); items != "" {
			return WouldRun, fmt.Sprintf("keeps its %s, but %s%s: %s: the nodes below it run again", instances(fan.count), NotKeptPrefix, c.opts.KeptFrom, items), true
		}
		st := &c.nodes[i]
		st.kept, st.outputs = true, c.opts.Keep[c.plan.nodes[i].id].Outputs
		return WouldKeep, fmt.Sprintf("kept from run %s with its %s", c.opts.KeptFrom, instances(fan.count)), true
	}
	var keptIDs, runs []string
	for _, k := range kept {
		keptIDs = append(keptIDs, c.nodeID(k))
	}
	next := 0
	for k := fan.first; k < fan.first+fan.count; k++ {
		if next < len(kept) && kept[next] == k {
			next++
			continue
		}
		runs = append(runs, c.nodeID(k)+" ("+c.instanceRunsWhy(k)+")")
	}
	why = instances(fan.count) + ": "
	if len(keptIDs) > 0 {
		why += fmt.Sprintf("keeps %d from run %s (%s); ", len(keptIDs), c.opts.KeptFrom, named(keptIDs))
	}
	return WouldRun, why + fmt.Sprintf("runs %d: %s", len(runs), named(runs)), true
}

// instanceRunsWhy says why a resumed run runs instance k, which it does
// not keep: it did not succeed in the earlier run (or was not there), or
// why it is not kept.
func (c *core) instanceRunsWhy(k int) string {
	if why, ok := c.notKept[k]; ok {
		return strings.TrimPrefix(why, NotKeptPrefix+c.opts.KeptFrom+": ")
	}
	in := &c.inst[k-len(c.plan.nodes)]
	if parent, ok := c.opts.Keep[c.plan.nodes[in.parent].id]; ok && !slices.Contains(parent.Items, c.instKey(in)) {
		return "a new item"
	}
	return "it did not succeed in run " + c.opts.KeptFrom
}

// named lists ids, the first maxNamedInstances of them, the others
// counted.
func named(ids []string) string {
	if len(ids) <= maxNamedInstances {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:maxNamedInstances], ", "), len(ids)-maxNamedInstances)
}
