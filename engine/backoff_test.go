package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A node waiting out its retry back-off holds no slot: with one slot, an
// independent node runs meanwhile, and the node takes a slot again after.
// The tests check the order attempts started in (flaky and busy record
// each), never how long anything took: with one slot, the node's next
// attempt cannot start before the node that took its slot has ended.
func TestBackoffFreesTheSlot(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		opts    engine.Options
		status  engine.Status
		started []string // each attempt's start, in order
		nodes   map[string]want
	}{
		{
			name: "an independent node runs during the back-off",
			src: `
nodes:
  fails: {module: flaky, with: {succeed_on: 2}, retries: {limit: 1, backoff: 50ms}}
  other: {module: busy, with: {for: 1ms}}
`,
			opts:    engine.Options{MaxParallel: 1},
			status:  engine.StatusSuccess,
			started: []string{"fails", "other", "fails"},
			nodes: map[string]want{
				"fails": {engine.StatusSuccess, ""},
				"other": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "foreach: an instance backing off gives up its place under max_parallel",
			src: `
nodes:
  fit:
    module: flaky
    foreach: [x, y, z]
    max_parallel: 1
    with: {succeed_on: "${{ item == 'x' ? 2 : 1 }}"}
    retries: {limit: 1, backoff: 50ms}
`,
			status:  engine.StatusSuccess,
			started: []string{"fit[x]", "fit[y]", "fit[z]", "fit[x]"},
			nodes: map[string]want{
				"fit":    {engine.StatusSuccess, ""},
				"fit[x]": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "foreach: an instance backing off gives up its slot of the run",
			src: `
nodes:
  fit:
    module: flaky
    foreach: [x, y]
    with: {succeed_on: "${{ item == 'x' ? 2 : 1 }}"}
    retries: {limit: 1, backoff: 50ms}
`,
			opts:    engine.Options{MaxParallel: 1},
			status:  engine.StatusSuccess,
			started: []string{"fit[x]", "fit[y]", "fit[x]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			rec := tm.run(t, tt.src, tt.opts)
			check(t, rec, tt.status, tt.nodes)
			if !slices.Equal(tm.started, tt.started) {
				t.Errorf("attempts started in the order %v, want %v", tm.started, tt.started)
			}
			// The record counts the attempts that ran.
			tries := map[string]int{}
			for _, id := range tt.started {
				tries[id]++
			}
			for id, n := range tries {
				if got := rec.Nodes[id].Attempts; got != n {
					t.Errorf("node %s: %d attempts in the record, %d ran", id, got, n)
				}
			}
		})
	}
}

// A run cancelled while a node waits to retry (out its back-off, or for
// its slot again) ends the node with the reason it had, and the nodes
// that ran in its slot meanwhile as cancelled while running.
func TestBackoffCancelled(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{
			// A back-off of an hour: only the cancel ends it.
			name: "during the back-off",
			src: `
timeout: 5s  # a stop for a run that never frees the slot
nodes:
  fails: {module: flaky, with: {succeed_on: 5}, retries: {limit: 3, backoff: 1h}}
  other: {module: cancels, with: {after: 0s}}
  tidy: {module: echo, needs: fails, when: always()}
`,
		},
		{
			// The back-off is over long before the cancel, most likely:
			// the node waits for its slot again, which other holds.
			name: "waiting for its slot again",
			src: `
timeout: 5s
nodes:
  fails: {module: flaky, with: {succeed_on: 5}, retries: {limit: 3, backoff: 1ms}}
  other: {module: cancels, with: {after: 200ms}}
  tidy: {module: echo, needs: fails, when: always()}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			tm.reg.Register(modules.Info{Name: "cancels", Description: "interrupts the run, as Ctrl-C does, and waits for the cancel",
				Inputs: []modules.Field{{Name: "after", Type: modules.Duration}},
				New: func() modules.Module {
					return moduleFunc(func(mctx context.Context, in *modules.Input) (*modules.Output, error) {
						tm.start(in.Node)
						d, _ := in.Duration("after")
						select {
						case <-time.After(d):
							cancel(engine.ErrInterrupted)
						case <-mctx.Done():
						}
						<-mctx.Done()
						return nil, context.Cause(mctx)
					})
				}})
			rec := tm.runCtx(t, ctx, tt.src, engine.Options{MaxParallel: 1})
			check(t, rec, engine.StatusCancelled, map[string]want{
				"fails": {engine.StatusCancelled, "cancelled while waiting to retry (attempt 1 failed): interrupted"},
				"other": {engine.StatusCancelled, "cancelled while running: interrupted"},
				"tidy":  {engine.StatusSuccess, ""},
			})
			if got := rec.Nodes["fails"].Attempts; got != 1 {
				t.Errorf("fails: %d attempts, want 1", got)
			}
			if want := []string{"fails", "other"}; !slices.Equal(tm.started, want) {
				t.Errorf("attempts started in the order %v, want %v", tm.started, want)
			}
		})
	}
}

// The scheduling core's side, with plain tables of events: a node backing
// off gives its slot (and an instance its place under its node's
// max_parallel) to what waits, and takes one again in the ready queue's
// order once its back-off is over.
func TestSchedulerBackoff(t *testing.T) {
	const three = `
nodes:
  a: {module: echo, retries: 2}
  b: {module: echo}
  c: {module: echo}
  tidy: {module: echo, needs: a, when: always(), retries: 1}
`
	const fan = `
nodes:
  fit: {module: echo, foreach: [x, y, z], max_parallel: 1, retries: 1}
`
	const fanFast = `
nodes:
  fit: {module: echo, foreach: [x, y, z], max_parallel: 1, fail_fast: true, retries: 1}
`
	tests := []struct {
		name   string
		src    string
		max    int
		steps  []schedStep
		status engine.Status
		nodes  map[string]string // node -> "status: reason" (reason may be a prefix)
	}{
		{
			name: "the slot goes to the next ready node; back, the node queues in the same order",
			src:  three, max: 1,
			steps: []schedStep{
				{"open", []string{"a"}},
				{"backoff a", []string{"b"}},
				{"retry a", nil},              // b holds the slot
				{"ok b", []string{"a again"}}, // before c: a comes first in the file
				{"backoff a", []string{"c"}},
				{"retry a", nil},
				{"ok c", []string{"a again"}},
				{"ok a", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusSuccess,
		},
		{
			name: "a slot free when the back-off ends is taken at once",
			src:  three, max: 2,
			steps: []schedStep{
				{"open", []string{"a", "b"}},
				{"backoff a", []string{"c"}},
				{"ok b", nil},
				{"retry a", []string{"a again"}},
				{"ok c", nil},
				{"ok a", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusSuccess,
		},
		{
			name: "backoff and retry of a node that does not back off change nothing",
			src:  three, max: 1,
			steps: []schedStep{
				{"open", []string{"a"}},
				{"retry a", nil},
				{"backoff b", nil},
				{"backoff nosuch", nil},
				{"backoff a", []string{"b"}},
				{"backoff a", nil},
				{"retry a", nil},
				{"retry a", nil},
				{"ok b", []string{"a again"}},
				{"ok a", []string{"c"}}, // tidy waits for the slot
				{"ok c", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusSuccess,
		},
		{
			name: "cancelled while backing off: the node says so, and frees no slot it does not hold",
			src:  three, max: 1,
			steps: []schedStep{
				{"open", []string{"a"}},
				{"backoff a", []string{"b"}},
				{"cancel", nil},
				{"cancelled a", nil}, // b still holds the only slot
				{"ok b", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusCancelled,
			nodes: map[string]string{
				"a":    "cancelled: cancelled while waiting to retry (attempt 1 failed): interrupted",
				"c":    "cancelled: not started: run interrupted",
				"tidy": "success: ",
			},
		},
		{
			name: "cancelled while queued for its slot again: not resumed, its driver ends it",
			src:  three, max: 1,
			steps: []schedStep{
				{"open", []string{"a"}},
				{"backoff a", []string{"b"}},
				{"retry a", nil},
				{"cancel", nil},
				{"cancelled b", nil},
				{"cancelled a", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusCancelled,
			nodes: map[string]string{
				"a": "cancelled: cancelled while waiting to retry (attempt 1 failed): interrupted",
				"b": "cancelled: cancelled while running",
			},
		},
		{
			name: "a clean-up node started after the cancel backs off and runs again",
			src:  three, max: 1,
			steps: []schedStep{
				{"open", []string{"a"}},
				{"cancel", nil},
				{"cancelled a", []string{"tidy"}},
				{"backoff tidy", nil},
				{"retry tidy", []string{"tidy again"}},
				{"ok tidy", nil},
			},
			status: engine.StatusCancelled,
			nodes:  map[string]string{"tidy": "success: "},
		},
		{
			name: "foreach: an instance backing off gives its place under max_parallel, and comes back after those waiting",
			src:  fan, max: 4,
			steps: []schedStep{
				{"open", []string{"fit[x]"}},
				{"backoff fit[x]", []string{"fit[y]"}},
				{"retry fit[x]", nil},
				{"ok fit[y]", []string{"fit[z]"}},
				{"ok fit[z]", []string{"fit[x] again"}},
				{"ok fit[x]", nil},
			},
			status: engine.StatusSuccess,
			nodes:  map[string]string{"fit": "success: "},
		},
		{
			name: "foreach: fail_fast cancels the instances not started, not one that started and backs off",
			src:  fanFast, max: 4,
			steps: []schedStep{
				{"open", []string{"fit[x]"}},
				{"backoff fit[x]", []string{"fit[y]"}},
				{"retry fit[x]", nil},
				{"fail fit[y]", []string{"fit[x] again"}},
				{"ok fit[x]", nil},
			},
			status: engine.StatusError,
			nodes: map[string]string{
				"fit[x]": "success: ",
				"fit[y]": "error: failed",
				"fit[z]": "cancelled: not started: fail_fast, fit[y] failed",
			},
		},
		{
			name: "foreach: an instance backing off gives its slot of the run",
			src:  fan, max: 1,
			steps: []schedStep{
				{"open", []string{"fit[x]"}},
				{"backoff fit[x]", []string{"fit[y]"}},
				{"retry fit[x]", nil},
				{"ok fit[y]", []string{"fit[z]"}},
				{"ok fit[z]", []string{"fit[x] again"}},
				{"ok fit[x]", nil},
			},
			status: engine.StatusSuccess,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := engine.Parse("backoff.yaml", []byte(tt.src), newTestModules(t).reg)
			if err != nil {
				t.Fatal(err)
			}
			tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { tick = tick.Add(time.Second); return tick }
			s, err := engine.NewScheduler(plan, engine.Options{MaxParallel: tt.max, RunID: "r1"}, clock, nil)
			if err != nil {
				t.Fatal(err)
			}
			driveScheduler(t, s, clock, tt.steps, func(string) map[string]any { return nil })
			closeScheduler(t, s, tt.status, tt.nodes)
		})
	}
}
