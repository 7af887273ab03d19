package temporal

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
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
	bound := fmt.Sprintf("a run's record on Temporal is at most %d MB", maxRecordPayload/1_000_000+1)
	// The pipeline's own outputs (up to 4 MiB) often copy nodes' outputs:
	// big ones go first, whole, as a node's do.
	if out, err := json.Marshal(rec.Outputs); err == nil && len(out) >= maxRecordPayload/4 {
		rec.Outputs = map[string]any{"cut": fmt.Sprintf("the pipeline's outputs, %s, are left out: %s", modules.Size(int64(len(out))), bound)}
		if b, err = json.Marshal(rec); err != nil || len(b) <= maxRecordPayload {
			return b, err
		}
	}
	cutNodes(rec.Nodes, len(b)-maxRecordPayload, bound, "the rest is left out of a run's record on Temporal")
	return json.Marshal(rec)
}

// maxCutMessage is what fitRecord keeps of a long message when the
// record is over its bound without nodes' inputs and outputs.
const maxCutMessage = 4 << 10

// cutNodes cuts the inputs and outputs of the biggest of nodes, largest
// first, until excess bytes are gone, each cut node's outputs saying so
// and why (bound); then, if that is not enough, their long messages to
// their start, saying why (rest). It returns the excess left.
// Deterministic, as workflow code must be: nodes of one size go by id.
func cutNodes(nodes map[string]*engine.NodeRecord, excess int, bound, rest string) int {
	type sized struct {
		id   string
		size int
	}
	sizes := make([]sized, 0, len(nodes))
	for id, n := range nodes {
		if n == nil {
			continue
		}
		size := 0
		for _, v := range []map[string]any{n.Inputs, n.Outputs} {
			if e, err := json.Marshal(v); err == nil {
				size += len(e)
			}
		}
		sizes = append(sizes, sized{id, size})
	}
	slices.SortFunc(sizes, func(a, b sized) int { return cmp.Or(cmp.Compare(b.size, a.size), strings.Compare(a.id, b.id)) })
	for _, s := range sizes {
		if excess <= 0 || s.size < 1024 {
			break
		}
		n := nodes[s.id]
		note := fmt.Sprintf("%d kB of inputs and outputs left out: %s; write large data to a file (shared storage) and pass its path", s.size>>10, bound)
		n.Inputs, n.Outputs = nil, map[string]any{"cut": note}
		// Not its outputs: --resume runs it again.
		n.Resume = &engine.ResumeInfo{OutputsCut: true}
		excess -= s.size - len(note)
	}
	if excess > 0 {
		// What is left is text: the nodes' messages (a program's own
		// message may be megabytes) are cut to their start.
		for _, id := range slices.Sorted(maps.Keys(nodes)) {
			n := nodes[id]
			if n != nil && len(n.Message) > maxCutMessage {
				was := len(n.Message)
				n.Message = fmt.Sprintf("%s… (%d bytes; %s)", strings.ToValidUTF8(n.Message[:maxCutMessage], ""), was, rest)
				excess -= was - len(n.Message)
			}
		}
	}
	return excess
}
