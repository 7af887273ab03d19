package engine_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// foreach run in this process: the same decisions as through the
// Scheduler, with modules that really run.
func TestForeachRuns(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		opts    engine.Options
		status  engine.Status
		nodes   map[string]want
		outputs map[string]map[string]any // node -> outputs it must hold
		items   map[string][]string
	}{
		{
			name: "a map: instances by sorted key, item in with and when, outputs by key",
			src: `
nodes:
  price:
    module: echo
    foreach: {spain: 3, england: 1, italy: 2}
    when: item_key != 'italy'
    with: {odds: "${{ item * 10 }}", at: "${{ item_index }}"}
  report:
    module: echo
    needs: price
    with: {odds: "${{ nodes.price.outputs.odds }}"}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"price":          {engine.StatusSuccess, "3 instances: 2 success, 1 skipped"},
				"price[italy]":   {engine.StatusSkipped, "when is false"},
				"price[england]": {engine.StatusSuccess, ""},
			},
			outputs: map[string]map[string]any{
				"price[spain]": {"odds": 30, "at": 2},
				"report":       {"odds": map[string]any{"england": 10, "italy": nil, "spain": 30}},
			},
			items: map[string][]string{"price": {"england", "italy", "spain"}},
		},
		{
			name: "a map whose keys cannot name instances: instances by index, but item_key and the fan-in keep the map's keys",
			src: `
nodes:
  f:
    module: echo
    foreach: {"Premier League": E0, "Serie A": I1, ok: X}
    with: {code: "${{ item }}", league: "${{ item_key }}"}
  report:
    module: echo
    needs: f
    with: {pl: "${{ nodes.f.outputs.code['Premier League'] }}", keys: "${{ map(nodes.f.items, .key) }}"}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"f[0]": {engine.StatusSuccess, ""},
			},
			outputs: map[string]map[string]any{
				"f[0]":   {"code": "E0", "league": "Premier League"},
				"report": {"pl": "E0", "keys": []any{"Premier League", "Serie A", "ok"}},
			},
			items: map[string][]string{"f": {"0", "1", "2"}},
		},
		{
			name: "an output that is not there is no empty list: the foreach fails, naming the outputs given",
			src: `
nodes:
  src:
    module: echo
    with: {leagues: [E0, D1]}
  fit:
    module: echo
    needs: src
    foreach: "${{ nodes.src.outputs.leauges }}"
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"fit": {engine.StatusError, `foreach: ${{ nodes.src.outputs.leauges }}: src gave no output leauges (it gave outputs leagues); did you mean "leagues"?`},
			},
		},
		{
			name: "a clean-up foreach over the outputs of a need that failed has nothing to go over: skipped, saying why",
			src: `
nodes:
  src:
    module: fail
    with: {message: no list today}
  cleanup:
    module: echo
    needs: src
    when: always()
    foreach: "${{ nodes.src.outputs.leagues }}"
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"src":     {engine.StatusError, "no list today"},
				"cleanup": {engine.StatusSkipped, "foreach gave no items: node src did not succeed (error), so it gave no outputs"},
			},
		},
		{
			name: "items that cannot name an instance are numbered; a when without item is decided once",
			src: `
config: {GO: false}
nodes:
  fit:
    module: echo
    foreach: [{league: E0}, {league: D1}]
    with: {league: "${{ item.league }}"}
  off:
    module: echo
    foreach: [a, b]
    when: config.GO
  report:
    module: echo
    needs: fit
    with: {leagues: "${{ nodes.fit.outputs.league }}", keys: "${{ map(nodes.fit.items, .key) }}"}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"fit[1]": {engine.StatusSuccess, ""},
				"off":    {engine.StatusSkipped, "when is false: config.GO"},
			},
			outputs: map[string]map[string]any{
				"report": {"leagues": []any{"E0", "D1"}, "keys": []any{"0", "1"}},
			},
			items: map[string][]string{"fit": {"0", "1"}, "off": nil},
		},
		{
			name: "continue_on_error accepts partial results: the run succeeds, failed instances give null",
			src: `
nodes:
  fit:
    module: fail
    foreach: [a, b, c]
    continue_on_error: true
    with: {message: "${{ item == 'b' ? 'no data for b' : '' }}"}
  ok:
    module: echo
    foreach: [a, b, c]
    when: nodes.fit.items[item_index].status == 'success'
    needs: fit
  report:
    module: echo
    needs: fit
    with: {status: "${{ nodes.fit.status }}", n: "${{ len(nodes.fit.items) }}"}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"fit":    {engine.StatusError, "3 of 3 instances failed: fit[a], fit[b], fit[c]; continue_on_error"},
				"fit[b]": {engine.StatusError, "no data for b"},
				"ok":     {engine.StatusSkipped, "every instance was skipped"},
				"report": {engine.StatusSuccess, ""},
			},
			outputs: map[string]map[string]any{"report": {"status": "error", "n": 3}},
		},
		{
			name: "an instance's inputs are resolved as it starts: one that cannot be fails alone",
			src: `
nodes:
  f:
    module: echo
    foreach: [a, b, c]
    max_parallel: 1
    with: {v: "${{ item == 'b' ? repeat(item, 5000000) : item }}"}
  after: {module: echo, needs: f, when: always(), with: {v: "${{ nodes.f.outputs.v }}"}}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"f":     {engine.StatusError, "1 of 3 instances failed: f[b]"},
				"f[b]":  {engine.StatusError, "over the 4 MiB limit for values"},
				"f[c]":  {engine.StatusSuccess, ""},
				"after": {engine.StatusSuccess, ""},
			},
			outputs: map[string]map[string]any{"after": {"v": []any{"a", nil, "c"}}},
		},
		{
			name: "an instance whose inputs cannot be resolved as it starts fails fast",
			src: `
nodes:
  f:
    module: echo
    foreach: [a, b, c]
    max_parallel: 1
    fail_fast: true
    with: {v: "${{ item == 'b' ? repeat(item, 5000000) : item }}"}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"f[a]": {engine.StatusSuccess, ""},
				"f[b]": {engine.StatusError, "over the 4 MiB limit for values"},
				"f[c]": {engine.StatusCancelled, "not started: fail_fast, f[b] failed"},
			},
		},
		{
			name: "an instance whose when fails as the node fans out fails fast",
			src: `
nodes:
  f:
    module: echo
    foreach: [a, b, c]
    fail_fast: true
    when: "item == 'b' ? int('x') > 0 : true"
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"f[b]": {engine.StatusError, "when"},
				"f[c]": {engine.StatusCancelled, "not started: fail_fast, f[b] failed"},
			},
		},
		{
			name: "a foreach over a node's outputs fails at run time when they are not a list",
			src: `
nodes:
  list: {module: echo, with: {leagues: england}}
  fit:
    module: echo
    needs: list
    foreach: ${{ nodes.list.outputs.leagues }}
  after: {module: echo, needs: fit}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"fit":   {engine.StatusError, "foreach gave a string, not a list or a map"},
				"after": {engine.StatusSkipped, "need fit failed"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			rec := tm.run(t, tt.src, tt.opts)
			check(t, rec, tt.status, tt.nodes)
			for id, outs := range tt.outputs {
				n := rec.Nodes[id]
				if n == nil {
					t.Errorf("node %s missing from the record", id)
					continue
				}
				for k, v := range outs {
					if got := n.Outputs[k]; fmt.Sprint(got) != fmt.Sprint(v) {
						t.Errorf("%s's output %s = %#v, want %#v", id, k, got, v)
					}
				}
			}
			for id, keys := range tt.items {
				if got := rec.Nodes[id].Items; !reflect.DeepEqual(got, keys) {
					t.Errorf("%s's items = %q, want %q", id, got, keys)
				}
			}
		})
	}
}

// max_parallel on a foreach node bounds its instances, whatever the run's
// own bound.
func TestForeachMaxParallel(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
nodes:
  fit:
    module: busy
    foreach: [a, b, c, d, e, f]
    max_parallel: 2
    with: {for: 10ms}
`, engine.Options{MaxParallel: 8})
	check(t, rec, engine.StatusSuccess, map[string]want{"fit": {engine.StatusSuccess, "6 instances: 6 success"}})
	if p := tm.peak.Load(); p > 2 {
		t.Errorf("%d instances ran at once, max_parallel is 2", p)
	}
	if p := tm.peak.Load(); p < 1 {
		t.Errorf("no instance ran")
	}
}

// pipe explain says how many instances a foreach node would run, or that
// its items are known only at run time.
func TestExplainForeach(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("x.yaml", []byte(`
nodes:
  list: {module: echo}
  fit: {module: echo, needs: list, foreach: "${{ nodes.list.outputs.leagues }}"}
  price: {module: echo, foreach: [a, b, c]}
  pick: {module: echo, foreach: [1, 2], when: "item == 2"}
  leagues: {module: echo, foreach: "${{ split(config.LEAGUES, ',') }}"}
  one: {module: echo, foreach: [x]}
  none: {module: echo, foreach: "${{ filter(split(config.EMPTY, ','), # != '') }}"}
config: {LEAGUES: "E0,SP1,I1", EMPTY: ""}
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := engine.New(tm.reg).Explain(plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"fit": "once per item of ${{ nodes.list.outputs.leagues }}, known at run time", "price": "once per item: 3 instances",
		"pick":    "when: item == 2 is decided for each item; once per item: 2 instances",
		"leagues": "once per item of split(config.LEAGUES, ','): 3 instances", // config alone: known now
		"one":     "once per item: 1 instance",
		"none":    "foreach gave no items: filter(split(config.EMPTY, ','), # != '') is empty"}
	for _, e := range ex {
		if w, ok := want[e.Node]; ok && !strings.HasSuffix(e.Why, w) {
			t.Errorf("%s: why %q, want it to end %q", e.Node, e.Why, w)
		}
		if e.Node == "none" && e.Would != engine.WouldSkip {
			t.Errorf("none would %s, want skip (the run skips a foreach that gives no items)", e.Would)
		}
		if e.Node == "pick" && e.Would != engine.WouldDecide {
			t.Errorf("pick would %s, want it decided at run time (a when on item is not false once)", e.Would)
		}
	}
}

// A resumed run keeps the instances that succeeded and runs the others.
func TestForeachResumeKeepsInstances(t *testing.T) {
	tm := newTestModules(t)
	src := `
nodes:
  fit:
    module: echo
    foreach: [a, b, c]
    with: {x: "${{ item }}"}
  report: {module: echo, needs: fit, with: {x: "${{ nodes.fit.outputs.x }}"}}
`
	keep := map[string]engine.Kept{"fit[a]": {Outputs: map[string]any{"x": "kept a"}}, "fit[c]": {Outputs: map[string]any{"x": "kept c"}}}
	rec := tm.run(t, src, engine.Options{Keep: keep, KeptFrom: "r0"})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"fit[a]": {engine.StatusSuccess, "kept from run r0"},
		"fit[b]": {engine.StatusSuccess, ""},
		"report": {engine.StatusSuccess, ""},
	})
	if rec.Nodes["fit[b]"].Attempts != 1 || rec.Nodes["fit[a]"].Attempts != 0 {
		t.Errorf("fit[b] ran %d times, fit[a] %d: want 1 and 0", rec.Nodes["fit[b]"].Attempts, rec.Nodes["fit[a]"].Attempts)
	}
	if got := fmt.Sprint(rec.Nodes["report"].Inputs["x"]); got != "[kept a b kept c]" {
		t.Errorf("report read %s", got)
	}
}

// A cancel while instances run cancels them and those not started; the
// foreach node ends cancelled, and so does the run. A module that ignores
// the cancel is abandoned as a plain node is, never the foreach node.
func TestForeachCancel(t *testing.T) {
	tm := newTestModules(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		for tm.running.Load() < 2 {
			time.Sleep(time.Millisecond)
		}
		cancel(engine.ErrInterrupted)
	}()
	rec := tm.runCtx(t, ctx, `
nodes:
  fit:
    module: busy
    foreach: [a, b, c, d]
    max_parallel: 2
    with: {for: 1h}
  stuck:
    module: stubborn
    foreach: [x]
  tidy: {module: echo, needs: fit, when: always()}
`, engine.Options{MaxParallel: 4})
	check(t, rec, engine.StatusCancelled, map[string]want{
		"fit":    {engine.StatusCancelled, "4 of 4 instances cancelled"},
		"fit[a]": {engine.StatusCancelled, "cancelled while running"},
		"fit[d]": {engine.StatusCancelled, "not started: run interrupted"},
		"tidy":   {engine.StatusSuccess, ""},
		"stuck":  {engine.StatusCancelled, "1 of 1 instances cancelled"},
	})
	if r := rec.Nodes["stuck[x]"]; r.Status != engine.StatusCancelled {
		t.Errorf("stuck[x]: %s (%s)", r.Status, r.Reason)
	}
}
