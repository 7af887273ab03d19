package temporal_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/pipe-run/pipe/engine"
)

// A run started now on Temporal takes each change of what the core
// decides that the runs of testdata/earlier-*.json did not: its history
// marks it (workflow.GetVersion), and replays. The pipelines are those
// the earlier runs ran.
func TestNewRunsTakeTheChangesOnTemporal(t *testing.T) {
	tests := []struct {
		name   string
		change engine.Change // the change the history marks; "" for none
		src    string
		nodes  map[string]string // node -> "status: reason" (a reason's start)
	}{
		// Decided now by the later change, which checks a when's reads
		// before it runs (the earlier one failed a when that came out null).
		{"when-null", engine.ChangeOutputReads, `name: when_null
nodes:
  check: {module: echo, with: {ready: true}}
  deploy: {module: echo, needs: check, when: nodes.check.outputs.redy, with: {x: 1}}
  alert: {module: echo, needs: deploy, when: failure(), with: {x: 1}}
`, map[string]string{"deploy": "error: test.yaml:4:66: when: nodes.check.outputs.redy: check gave no output redy", "alert": "success: "}},
		{"inputs-at-start", engine.ChangeInputsAtStart, `name: inputs_at_ready
max_parallel: 1
nodes:
  a1: {module: echo, with: {x: 1}}
  a2: {module: echo, needs: a1, with: {x: 2}}
  a3: {module: echo, needs: a2, with: {x: 3}}
  bad: {module: echo, with: {n: "${{ int(run.id) }}"}}
  pause: {module: wait, needs: bad, when: always(), with: {duration: 10ms}}
`, map[string]string{"bad": "error: test.yaml:7:38: input n", "pause": "success: ", "a3": "success: "}},
		{"instance-inputs-at-start", engine.ChangeInputsAtStart, `name: fan_inputs
nodes:
  other: {module: echo, with: {x: 1}}
  fan:
    module: echo
    foreach: ["1", "2", "x"]
    fail_fast: true
    with: {n: "${{ int(item) }}"}
`, map[string]string{"fan[1]": "success: ", "fan[2]": "success: ", "fan[x]": "error: "}},
		// A worker clips the message now: the core, which clips a message
		// an earlier worker gave (behind the change), has nothing to clip.
		{"message-clip", "", `name: long_message
nodes:
  talk: {module: exec, with: {command: [sh, -c, 'printf "{\"message\": \"%s\"}" "$(printf "%068000d" 0)"']}}
  long: {module: echo, needs: talk, when: len(nodes.talk.message) > 67000, with: {x: 1}}
`, map[string]string{"talk": "success: ", "long": "skipped: when is false"}},
		{"expr-budget", engine.ChangeExprBudget, `name: expr_budget
nodes:
  other: {module: echo, with: {x: 1}}
  big: {module: echo, with: {n: "${{ len(map(1..600000, # * 2)) }}"}}
`, map[string]string{"big": "success: "}},
		{"any-key-maps", engine.ChangeAnyKeyMaps, `name: from_pairs
nodes:
  other: {module: echo, with: {x: 1}}
  pairs: {module: echo, with: {m: "${{ fromPairs([['a', 1]]) }}"}}
`, map[string]string{"pairs": "success: "}},
	}
	c, q := onWorker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := submit(t, c, q, tt.src, nil, 0)
			for id, w := range tt.nodes {
				n := rec.Nodes[id]
				if n == nil {
					t.Errorf("no node %s", id)
					continue
				}
				if got := string(n.Status) + ": " + n.Reason; !strings.HasPrefix(got, w) {
					t.Errorf("%s is %q, want %q", id, clip(got), w)
				}
			}
			hist := history(t, c, rec.ID)
			if got := versionMarkers(t, hist); tt.change != "" && !slices.Contains(got, string(tt.change)) {
				t.Errorf("the history marks %v, not %s", got, tt.change)
			}
			if err := replayHistory(hist); err != nil {
				t.Errorf("replaying run %s: %v", rec.ID, err)
			}
		})
	}
}

// history reads the history of run id from the server.
func history(t *testing.T, c client.Client, id string) *historypb.History {
	t.Helper()
	iter := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var hist historypb.History
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		hist.Events = append(hist.Events, ev)
	}
	return &hist
}

// versionMarkers lists the changes hist marks (workflow.GetVersion).
func versionMarkers(t *testing.T, hist *historypb.History) []string {
	t.Helper()
	var out []string
	for _, ev := range hist.Events {
		m := ev.GetMarkerRecordedEventAttributes()
		if m == nil || m.GetMarkerName() != "Version" {
			continue
		}
		var id string
		if err := converter.GetDefaultDataConverter().FromPayloads(m.GetDetails()["change-id"], &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// clip is the start of a long text, for failure messages.
func clip(s string) string { return s[:min(len(s), 300)] }
