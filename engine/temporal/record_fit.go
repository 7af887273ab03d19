package temporal

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// maxRecordPayload bounds the run record the workflow returns, and that
// its query answers. Temporal refuses a payload past 2 MB, and a workflow
// whose result it refuses does not end: its last task fails again and
// again, and the run hangs with every node done. Each node's outputs are
// bounded already (see Activities); it is their sum that can pass it.
const maxRecordPayload = 1_500_000

// fitRecord encodes rec, cutting the inputs and outputs of its biggest
// nodes, largest first, until it fits maxRecordPayload; a cut node's
// outputs say so. Deterministic, as workflow code must be: nodes of one
// size go by id.
func fitRecord(rec *engine.Record) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil || len(b) <= maxRecordPayload {
		return b, err
	}
	type sized struct {
		id   string
		size int
	}
	nodes := make([]sized, 0, len(rec.Nodes))
	for id, n := range rec.Nodes {
		size := 0
		for _, v := range []map[string]any{n.Inputs, n.Outputs} {
			if e, err := json.Marshal(v); err == nil {
				size += len(e)
			}
		}
		nodes = append(nodes, sized{id, size})
	}
	slices.SortFunc(nodes, func(a, b sized) int { return cmp.Or(cmp.Compare(b.size, a.size), strings.Compare(a.id, b.id)) })
	excess := len(b) - maxRecordPayload
	for _, s := range nodes {
		if excess <= 0 || s.size < 1024 {
			break
		}
		n := rec.Nodes[s.id]
		note := fmt.Sprintf("%d kB of inputs and outputs left out: a run's record on Temporal is at most %d MB; "+
			"write large data to a file (shared storage) and pass its path", s.size>>10, maxRecordPayload/1_000_000+1)
		n.Inputs, n.Outputs = nil, map[string]any{"cut": note}
		// Not its outputs: --resume runs it again.
		n.Resume = &engine.ResumeInfo{OutputsCut: true}
		excess -= s.size - len(note)
	}
	if excess > 0 {
		// What is left is text: the nodes' messages (a program's own
		// message may be megabytes) are cut to their start.
		for _, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
			n := rec.Nodes[id]
			if len(n.Message) > maxCutMessage {
				n.Message = fmt.Sprintf("%s… (%d bytes; the rest is left out of a run's record on Temporal)", strings.ToValidUTF8(n.Message[:maxCutMessage], ""), len(n.Message))
			}
		}
	}
	return json.Marshal(rec)
}

// maxCutMessage is what fitRecord keeps of a long message when the
// record is over its bound without nodes' inputs and outputs.
const maxCutMessage = 4 << 10
