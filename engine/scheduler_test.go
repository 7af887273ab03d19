package engine_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// The scheduling core is tested with plain tables of events: no goroutine,
// no module runs, the clock is a counter. Each step tells the scheduler
// something and lists the nodes that start then.

const schedPipeline = `
name: sched
config:
  ENABLE_DANGEROUS_AI: false
  DEPLOY: false
nodes:
  fetch: {module: echo}
  train: {module: echo, needs: fetch, with: {rows: "${{ nodes.fetch.outputs.rows }}"}}
  report: {module: echo, needs: fetch}
  deploy: {module: echo, needs: train, when: config.DEPLOY}
  risky: {module: echo, needs: fetch, dangerous: true}
  after_risky: {module: echo, needs: risky}
  notify: {module: echo, needs: [train, report], when: failure()}
  tidy: {module: echo, needs: [train, report], when: always()}
  pause: {module: wait, needs: fetch, with: {duration: 1s}}
`

type schedStep struct {
	// one of: open, ok NODE, fail NODE, cancelled NODE (it ended so),
	// cancel, backoff NODE (it waits to retry), retry NODE (its back-off
	// is over)
	do    string
	start []string // the nodes that start then, sorted; "NODE again" for one resumed after its back-off
}

func TestSchedulerTables(t *testing.T) {
	tests := []struct {
		name   string
		set    map[string]any
		max    int
		steps  []schedStep
		status engine.Status
		nodes  map[string]string // node -> "status: reason" (reason may be a prefix)
	}{
		{
			name: "success path, false when, dangerous gate",
			steps: []schedStep{
				{"open", []string{"fetch"}},
				{"ok fetch", []string{"pause", "report", "train"}},
				{"ok train", nil},
				{"ok report", []string{"tidy"}},
				{"ok pause", nil},
				{"ok tidy", nil},
			},
			status: engine.StatusSuccess,
			nodes: map[string]string{
				"deploy":      "skipped: when is false: config.DEPLOY",
				"risky":       "skipped: dangerous module disabled",
				"after_risky": "skipped: needs risky, a dangerous node that is disabled",
				"notify":      "skipped: when is false: failure()",
				"tidy":        "success: ",
				"train":       "success: ",
			},
		},
		{
			name: "a failure skips what needs it and runs failure() nodes",
			set:  map[string]any{"DEPLOY": true},
			steps: []schedStep{
				{"open", []string{"fetch"}},
				{"ok fetch", []string{"pause", "report", "train"}},
				{"fail train", nil},
				{"ok report", []string{"notify", "tidy"}},
				{"ok pause", nil},
				{"ok notify", nil},
				{"ok tidy", nil},
			},
			status: engine.StatusError,
			nodes: map[string]string{
				"train":  "error: failed",
				"deploy": "skipped: need train failed",
				"notify": "success: ",
			},
		},
		{
			name: "max_parallel 1 starts one at a time, the longest chain first; wait takes no slot",
			max:  1,
			steps: []schedStep{
				{"open", []string{"fetch"}},
				{"ok fetch", []string{"pause", "train"}},
				{"ok train", []string{"report"}},
				{"ok report", []string{"tidy"}},
				{"ok tidy", nil},
				{"ok pause", nil},
			},
			status: engine.StatusSuccess,
		},
		{
			name: "cancel settles what waits and keeps clean-up nodes",
			steps: []schedStep{
				{"open", []string{"fetch"}},
				{"ok fetch", []string{"pause", "report", "train"}},
				{"cancel", nil},
				{"cancelled train", nil},
				{"cancelled pause", nil},
				{"ok report", []string{"tidy"}},
				{"ok tidy", nil},
			},
			status: engine.StatusCancelled,
			nodes: map[string]string{
				"train":  "cancelled: cancelled while running",
				"deploy": "cancelled: not started: run interrupted",
				"notify": "cancelled: not started: run interrupted",
				"tidy":   "success: ",
				"report": "success: ",
			},
		},
		{
			name: "an end for a node that is not running changes nothing",
			steps: []schedStep{
				{"open", []string{"fetch"}},
				{"ok train", nil},
				{"ok nosuch", nil},
				{"ok fetch", []string{"pause", "report", "train"}},
				{"ok fetch", nil},
				{"ok train", nil},
				{"ok report", []string{"tidy"}},
				{"ok pause", nil},
				{"ok tidy", nil},
			},
			status: engine.StatusSuccess,
		},
	}
	plan, err := engine.Parse("sched.yaml", []byte(schedPipeline), newTestModules(t).reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := map[string]any{"ENABLE_DANGEROUS_AI": false, "DEPLOY": false}
			for k, v := range tt.set {
				cfg[k] = v
			}
			tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := func() time.Time { tick = tick.Add(time.Second); return tick }
			s, err := engine.NewScheduler(plan, engine.Options{Config: cfg, MaxParallel: tt.max, RunID: "r1"}, clock, nil)
			if err != nil {
				t.Fatal(err)
			}
			driveScheduler(t, s, clock, tt.steps, func(string) map[string]any { return map[string]any{"rows": 3} })
			closeScheduler(t, s, tt.status, tt.nodes)
		})
	}
}

// driveScheduler plays steps on s: it tells s each event and checks the
// nodes that start then. outputs gives what a node that ends well output.
// It returns every start, by node id.
func driveScheduler(t *testing.T, s *engine.Scheduler, clock func() time.Time, steps []schedStep, outputs func(node string) map[string]any) map[string]engine.Start {
	t.Helper()
	running := map[string]engine.Start{}
	all := map[string]engine.Start{}
	for _, step := range steps {
		var starts []engine.Start
		verb, node, _ := strings.Cut(step.do, " ")
		switch verb {
		case "open":
			starts = s.Open()
		case "cancel":
			starts = s.Cancel(nil)
		case "backoff":
			starts = s.Backoff(node)
		case "retry":
			starts = s.Retry(node)
		case "ok", "fail", "cancelled":
			st := running[node]
			e := engine.Ended{Node: node, Attempts: 1, Started: st.Started, Finished: clock()}
			switch verb {
			case "ok":
				e.Output = &modules.Output{Values: outputs(node)}
			case "fail":
				e.Err = errors.New("boom")
			default:
				e.Err = errors.New("context canceled")
			}
			delete(running, node)
			starts = s.End(e)
		default:
			t.Fatalf("bad step %q", step.do)
		}
		var got []string
		for _, st := range starts {
			if st.Resume {
				if _, ok := running[st.Task.Node]; !ok || st.Task.Run != "r1" {
					t.Errorf("%s: resumed %+v, not a running node", step.do, st.Task)
				}
				got = append(got, st.Task.Node+" again")
				continue
			}
			got = append(got, st.Task.Node)
			running[st.Task.Node], all[st.Task.Node] = st, st
			if st.Task.Attempt != 1 || st.Task.Run != "r1" {
				t.Errorf("%s: task %+v", step.do, st.Task)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, step.start) {
			t.Errorf("after %q: started %v, want %v", step.do, got, step.start)
		}
	}
	return all
}

// closeScheduler closes s once no node runs and checks the run's status
// and each node's "status: reason" (the reason may be a prefix).
func closeScheduler(t *testing.T, s *engine.Scheduler, status engine.Status, nodes map[string]string) {
	t.Helper()
	if n := s.Running(); n != 0 {
		t.Fatalf("%d nodes still running at the end of the table", n)
	}
	rec := s.Close()
	if rec.Status != status {
		t.Errorf("run status %s (%s), want %s", rec.Status, rec.Reason, status)
	}
	for id, want := range nodes {
		n := rec.Nodes[id]
		if n == nil {
			t.Errorf("node %s: not in the record", id)
			continue
		}
		if got := string(n.Status) + ": " + n.Reason; !strings.HasPrefix(got, want) {
			t.Errorf("node %s: %q, want %q...", id, got, want)
		}
	}
}

// The scheduler resolves a node's inputs from what its needs output, and
// hands them over in the task.
func TestSchedulerResolvesInputs(t *testing.T) {
	plan, err := engine.Parse("sched.yaml", []byte(schedPipeline), newTestModules(t).reg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := engine.NewScheduler(plan, engine.Options{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fetch := s.Open()[0]
	for _, st := range s.End(engine.Ended{Node: "fetch", Attempts: 1, Started: fetch.Started, Finished: time.Now(),
		Output: &modules.Output{Values: map[string]any{"rows": 42}}}) {
		if st.Task.Node == "train" && st.Task.With["rows"] != 42 {
			t.Errorf("train's rows = %#v, want 42", st.Task.With["rows"])
		}
		if st.Task.Node == "pause" && !st.Waits {
			t.Error("pause (a wait module) does not say it waits")
		}
	}
}
