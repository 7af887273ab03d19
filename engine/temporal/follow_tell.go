package temporal

import (
	"github.com/pipe-run/pipe/engine"
)

// What a follower tells of the run's nodes as it reads them.

// tell reports what changed since the last record, and the outputs that
// came with it: each node's after its start, before its end; a foreach
// node's instances (their starts, outputs and ends) between its fan-out
// and its end, as a local run shows them.
func (f *Follower) tell(rec *engine.Record, outs []NodeOutput) {
	var byNode map[string][]NodeOutput
	if len(outs) > 0 {
		byNode = map[string][]NodeOutput{}
		for _, o := range outs {
			byNode[o.Node] = append(byNode[o.Node], o)
		}
	}
	for _, id := range f.Order {
		if n, ok := rec.Nodes[id]; ok {
			f.tellNode(rec, id, n, byNode)
		}
	}
	// The rest (of nodes the record does not have), in the order they
	// came: shown rather than lost.
	for _, o := range outs {
		if _, ok := byNode[o.Node]; ok {
			f.OnOutput(o)
		}
	}
}

// tellNode reports node id's start, its instances if it fanned out, its
// outputs (taken from byNode), then its end, as far as they changed.
func (f *Follower) tellNode(rec *engine.Record, id string, n *engine.NodeRecord, byNode map[string][]NodeOutput) {
	was := f.seen[id]
	changed := n.Status != was && f.OnEvent != nil
	final := n.Status != engine.StatusPending && n.Status != engine.StatusRunning
	if changed {
		f.seen[id] = n.Status
		// A node that started and ended between two reads still starts
		// (a foreach node still fans out).
		ranUnseen := final && was != engine.StatusRunning && (n.Attempts > 0 || n.FannedOut())
		if n.Status == engine.StatusRunning || ranUnseen {
			start := *n
			start.Status, start.Reason, start.Message = engine.StatusRunning, "", ""
			f.OnEvent(engine.Event{Kind: engine.NodeStarted, Node: id, Record: start})
		}
	}
	if n.FannedOut() {
		for _, inst := range n.InstanceIDs(id) {
			if in, ok := rec.Nodes[inst]; ok {
				f.tellNode(rec, inst, in, byNode)
			}
		}
	}
	if o, ok := byNode[id]; ok {
		delete(byNode, id)
		for _, o := range o {
			f.OnOutput(o)
		}
	}
	if changed && final {
		f.OnEvent(engine.Event{Kind: engine.NodeFinished, Node: id, Record: *n})
	}
	f.retried(id, n)
}

// ends tells OnEnd of the nodes of rec that ended since the last record.
func (f *Follower) ends(rec *engine.Record) {
	if f.OnEnd == nil {
		return
	}
	for id, n := range rec.Nodes {
		if !f.ended[id] && n.Status != engine.StatusPending && n.Status != engine.StatusRunning {
			f.ended[id] = true
			f.OnEnd(id, n)
		}
	}
}

// retried tells OnRetry why running node id runs again, once per attempt.
func (f *Follower) retried(id string, n *engine.NodeRecord) {
	if f.OnRetry == nil || n.Status != engine.StatusRunning || n.Reason == "" || n.Attempts <= f.tries[id] {
		return
	}
	f.tries[id] = n.Attempts
	f.OnRetry(id, n.Reason, n.Message)
}
