package engine_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A foreach node through the Scheduler, as the Temporal workflow drives
// it: its instances start and end by their ids, node[key].
const fanPipeline = `
name: fan
nodes:
  list: {module: echo}
  fit:
    module: echo
    needs: list
    foreach: ${{ nodes.list.outputs.leagues }}
    max_parallel: 2
    with: {league: "${{ item }}", n: "${{ item_index }}"}
  fast:
    module: echo
    needs: list
    foreach: [a, b, c, d]
    max_parallel: 1
    fail_fast: true
  report:
    module: echo
    needs: fit
    with: {roi: "${{ nodes.fit.outputs.roi }}", n: "${{ len(nodes.fit.items) }}"}
  partial:
    module: echo
    needs: fit
    when: always()
    with: {ok: "${{ map(filter(nodes.fit.items, .status == 'success'), .key) }}"}
`

func TestSchedulerFanOut(t *testing.T) {
	tests := []struct {
		name    string
		leagues []any
		steps   []schedStep
		status  engine.Status
		nodes   map[string]string // node -> "status: reason" (reason may be a prefix)
		with    map[string]map[string]any
	}{
		{
			name:    "instances by key, max_parallel, fail_fast, fan-in in item order",
			leagues: []any{"england", "germany", "italy"},
			steps: []schedStep{
				{"open", []string{"list"}},
				{"ok list", []string{"fast[a]", "fit[england]", "fit[germany]"}},
				{"ok fit[england]", []string{"fit[italy]"}},
				{"ok fast[a]", []string{"fast[b]"}},
				{"fail fast[b]", nil},
				{"ok fit[italy]", nil},
				{"ok fit[germany]", []string{"partial", "report"}},
				{"ok report", nil},
				{"ok partial", nil},
			},
			status: engine.StatusError,
			nodes: map[string]string{
				"fit":          "success: ",
				"fit[germany]": "success: ",
				"fast":         "error: 1 of 4 instances failed: fast[b]",
				"fast[c]":      "cancelled: not started: fail_fast, fast[b] failed",
				"fast[d]":      "cancelled: not started: fail_fast, fast[b] failed",
			},
			with: map[string]map[string]any{
				"fit[germany]": {"league": "germany", "n": 1},
				"report":       {"roi": []any{7, 7, 5}, "n": 3},
				"partial":      {"ok": []any{"england", "germany", "italy"}},
			},
		},
		{
			name:    "a failed instance fails the node; always() reads the partial results",
			leagues: []any{"england", "germany", "italy"},
			steps: []schedStep{
				{"open", []string{"list"}},
				{"ok list", []string{"fast[a]", "fit[england]", "fit[germany]"}},
				{"fail fit[germany]", []string{"fit[italy]"}},
				{"ok fit[england]", nil},
				{"ok fit[italy]", []string{"partial"}},
				{"ok fast[a]", []string{"fast[b]"}},
				{"ok fast[b]", []string{"fast[c]"}},
				{"ok fast[c]", []string{"fast[d]"}},
				{"ok fast[d]", nil},
				{"ok partial", nil},
			},
			status: engine.StatusError,
			nodes: map[string]string{
				"fit":    "error: 1 of 3 instances failed: fit[germany]",
				"report": "skipped: need fit failed",
				"fast":   "success: ",
			},
			with: map[string]map[string]any{"partial": {"ok": []any{"england", "italy"}}},
		},
		{
			name: "an empty list at run time skips the node and what needs it",
			steps: []schedStep{
				{"open", []string{"list"}},
				{"ok list", []string{"fast[a]", "partial"}}, // always(): it runs on
				{"ok partial", nil},
				{"ok fast[a]", []string{"fast[b]"}},
				{"ok fast[b]", []string{"fast[c]"}},
				{"ok fast[c]", []string{"fast[d]"}},
				{"ok fast[d]", nil},
			},
			status: engine.StatusSuccess,
			nodes: map[string]string{
				"fit":    "skipped: foreach gave no items",
				"report": "skipped: need fit was skipped",
			},
		},
		{
			name:    "numbers are keys too; a cancel settles the instances not started",
			leagues: []any{1, 2, 3},
			steps: []schedStep{
				{"open", []string{"list"}},
				{"ok list", []string{"fast[a]", "fit[1]", "fit[2]"}},
				{"cancel", nil},
				{"cancelled fit[1]", nil},
				{"ok fit[2]", []string{"partial"}}, // always(): a clean-up node
				{"ok fast[a]", nil},
				{"ok partial", nil},
			},
			status: engine.StatusCancelled,
			nodes: map[string]string{
				"fit":     "cancelled: 2 of 3 instances cancelled",
				"fit[3]":  "cancelled: not started: run interrupted",
				"fit[2]":  "success: ",
				"fast[b]": "cancelled: not started: run interrupted",
			},
		},
	}
	plan, err := engine.Parse("fan.yaml", []byte(fanPipeline), newTestModules(t).reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { tick = tick.Add(time.Second); return tick }
			s, err := engine.NewScheduler(plan, engine.Options{RunID: "r1", MaxParallel: 10}, clock, nil)
			if err != nil {
				t.Fatal(err)
			}
			outputs := func(node string) map[string]any {
				switch {
				case node == "list":
					return map[string]any{"leagues": tt.leagues}
				case strings.HasPrefix(node, "fit["):
					return map[string]any{"roi": len(node) - len("fit[]")}
				}
				return nil
			}
			starts := driveScheduler(t, s, clock, tt.steps, outputs)
			closeScheduler(t, s, tt.status, tt.nodes)
			for id, want := range tt.with {
				for k, v := range want {
					if got := starts[id].Task.With[k]; !reflect.DeepEqual(got, v) {
						t.Errorf("%s's %s = %#v, want %#v", id, k, got, v)
					}
				}
			}
		})
	}
}
