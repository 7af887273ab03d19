package temporal

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// outputOf is an output of about size bytes of JSON, ended at version at.
func outputOf(node string, at, size int) NodeOutput {
	return NodeOutput{Node: node, Attempt: 1, At: at, OutputTail: OutputTail{Lines: []string{strings.Repeat("x", size)}}}
}

// A run keeps the latest outputs, at most maxKeptOutputs bytes of them,
// however many nodes print; it says from which version on it holds all.
func TestKeptOutputsAreBounded(t *testing.T) {
	var k keptOutputs
	for i := range 1000 { // 1000 nodes of 10 kB: 10 MB printed
		k.add(outputOf(fmt.Sprint("n", i), i+1, 10_000))
	}
	if k.size > maxKeptOutputs || len(k.list) < maxKeptOutputs/10_100 {
		t.Errorf("kept %d outputs, %d bytes; want the latest, at most %d bytes", len(k.list), k.size, maxKeptOutputs)
	}
	tests := []struct {
		name      string
		since     int
		limit     int
		count     int
		from      int
		firstNode string
	}{
		{"new since", 995, maxKeptOutputs, 6, k.from, "n994"},
		{"nothing new", 1001, maxKeptOutputs, 0, k.from, ""},
		{"all kept", 0, maxKeptOutputs, len(k.list), k.from, k.list[0].Node},
		{"newest within a limit", 0, 25_000, 2, 999, "n998"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outs, from := k.since(tt.since, tt.limit)
			if len(outs) != tt.count || from != tt.from || len(outs) > 0 && outs[0].Node != tt.firstNode {
				t.Errorf("%d outputs from version %d (first %v), want %d from %d (first %s)", len(outs), from, outs[:min(1, len(outs))], tt.count, tt.from, tt.firstNode)
			}
		})
	}
	if k.from <= 1 || k.from > 1000 {
		t.Errorf("from %d: the oldest outputs were dropped, it should say so", k.from)
	}
}

// The run's result is its record, which a client of an earlier pipe
// reads as before, with the last outputs beside; with none, the record
// alone, byte for byte.
func TestResultWithOutputs(t *testing.T) {
	rec := &engine.Record{ID: "r1", Status: engine.StatusError, Nodes: map[string]*engine.NodeRecord{"a": {Status: engine.StatusError}}}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	same, err := withOutputs(b, &keptOutputs{})
	if err != nil || string(same) != string(b) {
		t.Errorf("without outputs: %s, want the record as it was", same)
	}
	var k keptOutputs
	k.add(outputOf("a", 3, 10))
	res, err := withOutputs(b, &k)
	if err != nil {
		t.Fatal(err)
	}
	var old engine.Record
	if err := json.Unmarshal(res, &old); err != nil || old.ID != "r1" || old.Nodes["a"].Status != engine.StatusError {
		t.Errorf("the record, read as an earlier pipe reads it: %v %+v", err, old)
	}
	var outs runResult
	if err := json.Unmarshal(res, &outs); err != nil || len(outs.Outputs) != 1 || outs.Outputs[0].Node != "a" || outs.Outputs[0].At != 3 {
		t.Errorf("the outputs in the result: %v %+v\n%s", err, outs, res)
	}
}

// A follower tells each output once, and once that some were dropped
// between two of its reads.
func TestFollowerTellsOutputsOnce(t *testing.T) {
	var told []string
	dropped := 0
	f := &Follower{OnOutput: func(o NodeOutput) { told = append(told, o.Node) }, OnOutputsDropped: func() { dropped++ }}
	f.shown = 0
	tell := func(outs []NodeOutput, from, version int) {
		f.tell(&engine.Record{}, f.outputs(outs, from, version))
	}
	tell([]NodeOutput{outputOf("a", 1, 1)}, 0, 2)
	tell([]NodeOutput{outputOf("b", 4, 1)}, 3, 5) // 2 dropped: versions 2 and 3 not all kept
	tell([]NodeOutput{outputOf("c", 6, 1)}, 6, 7) // 5 dropped again: told once
	// The result holds the last, some told already.
	tell([]NodeOutput{outputOf("b", 4, 1), outputOf("c", 6, 1), outputOf("d", 7, 1)}, 0, -1)
	if got := strings.Join(told, " "); got != "a b c d" || dropped != 1 {
		t.Errorf("told %s, dropped told %d times; want a b c d, once", got, dropped)
	}
}
