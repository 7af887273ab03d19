package engine_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// asked answers Options.Adopts with adopt, writing down each change it
// was asked about (from the nodes' goroutines too).
type asked struct {
	adopt  bool
	refuse []engine.Change // refused even when adopt is set
	mu     sync.Mutex
	list   []engine.Change
}

func (a *asked) adopts(ch engine.Change) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !slices.Contains(a.list, ch) {
		a.list = append(a.list, ch)
	}
	return a.adopt && !slices.Contains(a.refuse, ch)
}

// A run that does not take a change of what the core decides (a
// Temporal workflow an earlier pipe started, replayed) decides as runs
// did before it; a run that takes it, or is not asked (a local run),
// decides as now. The change is asked about where it decides otherwise.
func TestARunStartedBeforeAChange(t *testing.T) {
	tests := []struct {
		name   string
		change engine.Change
		// refuse are changes the run started before, adopt or not: one
		// made after change that decides the same case otherwise.
		refuse []engine.Change
		src    string
		limit  int64 // the run's limit for values; 0: MaxRunValueBytes
		// before and after: node -> "status: reason" (a reason's start)
		before, after map[string]string
		// order, when set, is the order nodes started in, before and after.
		orderBefore, orderAfter []string
	}{
		{
			name:   "a when that reads an output its node did not give",
			change: engine.ChangeMissingOutputFails,
			refuse: []engine.Change{engine.ChangeOutputReads},
			src: `
  check: {module: echo, with: {ready: true}}
  deploy: {module: echo, needs: check, when: nodes.check.outputs.redy}
  alert: {module: echo, needs: deploy, when: failure()}
`,
			before: map[string]string{"deploy": "skipped: when is false", "alert": "skipped: when is false: failure()"},
			after:  map[string]string{"deploy": "error: test.yaml:5:66: when: nodes.check.outputs.redy: check gave no output redy (it gave outputs ready)", "alert": "success: "},
		},
		{
			name:   "a foreach node's when that reads an output its node did not give",
			change: engine.ChangeMissingOutputFails,
			refuse: []engine.Change{engine.ChangeOutputReads},
			src: `
  check: {module: echo, with: {ready: true}}
  deploy: {module: echo, needs: check, foreach: [1, 2], when: nodes.check.outputs.redy}
`,
			before: map[string]string{"deploy": "skipped: when is false"},
			after:  map[string]string{"deploy": "error: test.yaml:5:83: when: nodes.check.outputs.redy: check gave no output redy"},
		},
		{
			name:   "an input that reads an output its node did not give",
			change: engine.ChangeOutputReads,
			src: `
  check: {module: echo, with: {ready: true}}
  deploy: {module: echo, needs: check, with: {v: "${{ nodes.check.outputs.redy }}"}}
`,
			before: map[string]string{"deploy": "success: "},
			after:  map[string]string{"deploy": "error: test.yaml:5:75: input v: ${{ nodes.check.outputs.redy }}: check gave no output redy (it gave outputs ready)"},
		},
		{
			name:   "inputs that cannot be resolved, under max_parallel 1",
			change: engine.ChangeInputsAtStart,
			src: `
  a1: {module: echo, with: {x: 1}}
  a2: {module: echo, needs: a1, with: {x: 2}}
  a3: {module: echo, needs: a2, with: {x: 3}}
  bad: {module: echo, with: {n: "${{ int(run.id) }}"}}
  pause: {module: wait, needs: bad, when: always(), with: {duration: 1ms}}
`,
			before: map[string]string{"bad": "error: test.yaml:7:38: input n: ${{ int(run.id) }}: cannot make a whole number", "pause": "success: "},
			after:  map[string]string{"bad": "error: test.yaml:7:38: input n: ${{ int(run.id) }}: cannot make a whole number", "pause": "success: "},
			// Failed as it was readied, bad readied pause at once.
			orderBefore: []string{"pause", "a1", "a2", "a3"},
			orderAfter:  []string{"a1", "a2", "a3", "pause"},
		},
		{
			name:   "an instance's inputs that cannot be resolved, under fail_fast",
			change: engine.ChangeInputsAtStart,
			src: `
  fan: {module: echo, foreach: ["1", "2", "x"], fail_fast: true, with: {n: "${{ int(item) }}"}}
`,
			before: map[string]string{"fan[1]": "cancelled: not started: fail_fast, fan[x] failed", "fan[x]": "error: "},
			after:  map[string]string{"fan[1]": "success: ", "fan[2]": "success: ", "fan[x]": "error: "},
		},
		{
			name:   "a message past the bound, read by a when",
			change: engine.ChangeMessageClip,
			src: `
  talk: {module: echo, with: {message: "${{ repeat('a', 68000) }}"}}
  long: {module: echo, needs: talk, when: len(nodes.talk.message) > 67000}
`,
			before: map[string]string{"long": "success: "},
			after:  map[string]string{"long": "skipped: when is false"},
		},
		{
			name:   "an expression that builds more than a million items",
			change: engine.ChangeExprBudget,
			src: `
  big: {module: echo, with: {n: "${{ len(map(1..600000, # * 2)) }}"}}
`,
			before: map[string]string{"big": "error: test.yaml:4:42: input n: ${{ len(map(1..600000, # * 2)) }}: the expression builds too large a value (more than a million items)"},
			after:  map[string]string{"big": "success: "},
		},
		{
			name:   "a foreach over a map keyed by any",
			change: engine.ChangeAnyKeyMaps,
			src: `
  fan: {module: echo, foreach: "${{ fromPairs([['a', 1], ['b', 2]]) }}", with: {v: "${{ item }}"}}
`,
			before: map[string]string{"fan": "error: "},
			after:  map[string]string{"fan": "success: ", "fan[a]": "success: ", "fan[b]": "success: "},
		},
		{
			name:   "a number input that is NaN",
			change: engine.ChangeNaNInputs,
			src: `
  n: {module: number, with: {x: "${{ float('NaN') }}"}}
`,
			before: map[string]string{"n": "success: "},
			after:  map[string]string{"n": "error: test.yaml:4:30: input x: want a number, not NaN"},
		},
		{
			name:   "a number input written NaN",
			change: engine.ChangeNaNInputs,
			src: `
  n: {module: number, with: {x: .nan}}
  e: {module: echo, with: {x: .nan}}
`,
			before: map[string]string{"n": "success: ", "e": "success: "},
			after:  map[string]string{"n": "error: test.yaml:4:30: input x: want a number, not NaN", "e": "success: "},
		},
		{
			name:   "outputs past the run's limit for values",
			change: engine.ChangeRunValuesBound,
			limit:  100,
			src: `
  big: {module: echo, with: {v: "${{ repeat('a', 200) }}"}}
`,
			before: map[string]string{"big": "success: "},
			after:  map[string]string{"big": "error: failed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: change\nmax_parallel: 1\nnodes:" + tt.src
			for _, adopt := range []bool{false, true} {
				a := &asked{adopt: adopt, refuse: tt.refuse}
				tm := newTestModules(t)
				var order []string
				opts := engine.Options{Adopts: a.adopts, OnEvent: func(ev engine.Event) {
					if ev.Kind == engine.NodeStarted {
						order = append(order, ev.Node)
					}
				}}
				if tt.limit > 0 {
					opts = engine.WithValueLimit(opts, tt.limit)
				}
				rec := tm.run(t, src, opts)
				want, wantOrder := tt.before, tt.orderBefore
				if adopt {
					want, wantOrder = tt.after, tt.orderAfter
				}
				for id, w := range want {
					n := rec.Nodes[id]
					if n == nil {
						t.Errorf("adopt %v: no node %s", adopt, id)
						continue
					}
					if got := string(n.Status) + ": " + n.Reason; !strings.HasPrefix(got, w) {
						t.Errorf("adopt %v: %s is %q, want %q", adopt, id, got, w)
					}
				}
				if wantOrder != nil && !slices.Equal(order, wantOrder) {
					t.Errorf("adopt %v: nodes started in the order %v, want %v", adopt, order, wantOrder)
				}
				if !slices.Contains(a.list, tt.change) {
					t.Errorf("adopt %v: %s was not asked about (asked: %v)", adopt, tt.change, a.list)
				}
			}
		})
	}
}

// A change is asked about only where it decides otherwise (then a
// Temporal history holds a marker of it), but for the resolving of
// inputs, asked of every run; a run asked nothing takes every change.
func TestChangesAskedOnlyWhereTheyDecide(t *testing.T) {
	src := `name: plain
max_parallel: 1
nodes:
  check: {module: echo, with: {ready: true, message: "${{ repeat('a', 100) }}"}}
  deploy: {module: echo, needs: check, when: nodes.check.outputs.ready, with: {n: "${{ len(1..1000) }}"}}
  fan: {module: echo, needs: check, foreach: "${{ fromPairs([['a', 1]]) }}", when: "nodes.check.outputs.nothing ?? true"}
  pause: {module: wait, needs: deploy, with: {duration: 1ms}}
`
	a := &asked{adopt: true}
	rec := newTestModules(t).run(t, src, engine.Options{Adopts: a.adopts})
	if rec.Status != engine.StatusSuccess {
		t.Errorf("run %s (%s), want success", rec.Status, rec.Reason)
	}
	if want := []engine.Change{engine.ChangeInputsAtStart, engine.ChangeAnyKeyMaps}; !slices.Equal(a.list, want) {
		t.Errorf("asked about %v, want %v", a.list, want)
	}
}

// A node whose inputs fail as it starts readies the nodes below it there
// and then: one of a module that waits (it takes no slot) starts too. It
// was left pending, the run over without it.
func TestAWaitReadiedByInputsThatFailAsTheyStart(t *testing.T) {
	tests := []struct {
		name, nodes string
	}{
		{"a node, one slot", `max_parallel: 1
nodes:
  bad: {module: echo, with: {n: "${{ int(run.id) }}"}}
  pause: {module: wait, needs: bad, when: always(), with: {duration: 1ms}}
`},
		{"a node", `nodes:
  bad: {module: echo, with: {n: "${{ int(run.id) }}"}}
  pause: {module: wait, needs: bad, when: always(), with: {duration: 1ms}}
`},
		{"a foreach's instance", `nodes:
  bad: {module: echo, foreach: ["x"], with: {n: "${{ int(item) }}"}}
  pause: {module: wait, needs: bad, when: always(), with: {duration: 1ms}}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newTestModules(t).run(t, "name: readied\n"+tt.nodes, engine.Options{})
			check(t, rec, engine.StatusError, map[string]want{
				"bad":   {engine.StatusError, ""},
				"pause": {engine.StatusSuccess, ""},
			})
		})
	}
}
