package temporal

import (
	"encoding/json"
)

// NodeOutput is the end of what one attempt of a node printed on its
// worker, as the progress query and the run's result give it to the
// client.
type NodeOutput struct {
	Node    string `json:"node"`
	Attempt int    `json:"attempt"`
	Worker  string `json:"worker,omitempty"`
	// Retried is set when the node ran again after this attempt.
	Retried bool `json:"retried,omitempty"`
	OutputTail
	// At is the run's version (see QueryProgress) when the attempt ended:
	// a follower that read version v has seen every output At < v.
	At int `json:"at"`

	size int // of its JSON, for the bounds
}

// What of its nodes' outputs a run's workflow keeps for its followers:
// the newest, at most maxKeptOutputs bytes of JSON (a follower reads them
// five times a second; a run of 100,000 nodes keeps no more), of which
// its result carries at most maxResultOutputs (the outputs of the nodes
// that ended last, which no read of its progress saw), beside a record of
// at most maxRecordPayload, under the payload limit.
const (
	maxKeptOutputs   = 1 << 20
	maxResultOutputs = 256 << 10
)

// keptOutputs holds the outputs of a run's latest node attempts, oldest
// first. It is workflow state that decides nothing: it is filled from
// activities' results (which the history holds, so a replay fills it
// again) and read by queries and the result, never by the scheduler, so
// keeping it changes no command the workflow emits, and needs no
// workflow.GetVersion.
type keptOutputs struct {
	list []NodeOutput
	size int
	// from is the oldest version whose outputs are all kept.
	from int
}

// add keeps o, dropping the oldest outputs past maxKeptOutputs.
func (k *keptOutputs) add(o NodeOutput) {
	b, err := json.Marshal(o)
	if err != nil {
		return
	}
	o.size = len(b)
	k.list = append(k.list, o)
	k.size += o.size
	for k.size > maxKeptOutputs && len(k.list) > 1 {
		k.from = max(k.from, k.list[0].At+1)
		k.size -= k.list[0].size
		k.list[0] = NodeOutput{}
		k.list = k.list[1:]
	}
}

// since returns the outputs at version v or later, at most limit bytes
// of them (the newest), and the oldest version whose outputs they hold
// all.
func (k *keptOutputs) since(v, limit int) ([]NodeOutput, int) {
	from, size := k.from, 0
	first := len(k.list)
	for first > 0 && k.list[first-1].At >= v {
		if size+k.list[first-1].size > limit {
			from = max(from, k.list[first-1].At+1)
			break
		}
		size += k.list[first-1].size
		first--
	}
	if first == len(k.list) {
		return nil, from
	}
	return k.list[first:len(k.list):len(k.list)], from
}

// runResult is the run's result: its record's JSON and, in the same
// object, the outputs of the nodes that ended last. A client of an
// earlier pipe reads the record and ignores them.
type runResult struct {
	Outputs     []NodeOutput `json:"node_outputs,omitempty"`
	OutputsFrom int          `json:"node_outputs_from,omitempty"`
}

// withOutputs adds to record, a JSON object, the last outputs kept.
// Without any it is the record as it was.
func withOutputs(record []byte, k *keptOutputs) ([]byte, error) {
	outs, from := k.since(0, maxResultOutputs)
	if len(outs) == 0 || len(record) < 2 || record[len(record)-1] != '}' {
		return record, nil
	}
	b, err := json.Marshal(runResult{Outputs: outs, OutputsFrom: from})
	if err != nil {
		return nil, err
	}
	// {"id":...} and {"node_outputs":...} make {"id":...,"node_outputs":...}.
	out := make([]byte, 0, len(record)+len(b))
	out = append(out, record[:len(record)-1]...)
	if len(record) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}
