package engine_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

func TestExplain(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("x.yaml", []byte(`
config: {ENABLE_DANGEROUS_AI: false, MODE: fast, N: 3, API_TOKEN: "", ANY: null}
nodes:
  a: {module: echo}
  risky: {module: risky}
  below_risky: {module: echo, needs: risky, when: always()}
  off: {module: echo, when: config.MODE == "slow" && config.N > 1}
  on: {module: echo, when: 'config.N > 1 && config.API_TOKEN != ""'}
  after_off: {module: echo, needs: off}
  cleanup: {module: echo, needs: off, when: always()}
  reads: {module: echo, needs: a, when: nodes.a.outputs.x == 1}
  after_reads: {module: echo, needs: reads}
  dropped: {module: echo}
  bad_when: {module: echo, when: config.ANY}
  on_failure: {module: echo, needs: a, when: failure()}
  on_success: {module: echo, needs: a, when: success()}
  never: {module: echo, needs: a, when: 'success() && config.N > 5'}
  alert_off: {module: echo, needs: off, when: failure()}
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"ENABLE_DANGEROUS_AI": false, "MODE": "fast", "N": 3, "API_TOKEN": "tok_SUPERSECRET_1", "ANY": "yes"}
	ex, err := engine.New(tm.reg).Explain(plan, engine.Options{Config: cfg, Skip: []string{"dropped"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		would engine.Would
		why   string
	}{
		"a":           {engine.WouldRun, "no when"},
		"risky":       {engine.WouldSkip, "dangerous module disabled (config.ENABLE_DANGEROUS_AI = false)"},
		"below_risky": {engine.WouldSkip, "needs risky, a dangerous node that is disabled"},
		"off":         {engine.WouldSkip, `when false: config.MODE == "slow" && config.N > 1 (config.MODE = "fast", config.N = 3)`},
		"on":          {engine.WouldRun, "config.API_TOKEN = ***"},
		"after_off":   {engine.WouldSkip, "need off would be skipped"},
		"cleanup":     {engine.WouldRun, "when true: always()"},
		"reads":       {engine.WouldDecide, "reads nodes.a"},
		"after_reads": {engine.WouldDecide, "runs if its needs run"},
		"dropped":     {engine.WouldSkip, "skipped by --skip"},
		"bad_when":    {engine.WouldRun, "(the node would fail)"},
		// a may fail: failure() and success() are known only then.
		"on_failure": {engine.WouldDecide, "when: failure() reads its needs' results"},
		"on_success": {engine.WouldDecide, "when: success() reads its needs' results"},
		"never":      {engine.WouldSkip, "when false: success() && config.N > 5"},
		"alert_off":  {engine.WouldSkip, "when false: failure()"},
	}
	if len(ex) != len(want) || ex[0].Node != "a" || ex[len(ex)-1].Node != "alert_off" {
		t.Fatalf("explanations not one a node in file order: %+v", ex)
	}
	for _, x := range ex {
		w := want[x.Node]
		if x.Would != w.would || !strings.Contains(x.Why, w.why) {
			t.Errorf("%s: %s, %q; want %s, %q", x.Node, x.Would, x.Why, w.would, w.why)
		}
		if strings.Contains(x.Why, "\n") { // a row of a table
			t.Errorf("%s: a reason over lines: %q", x.Node, x.Why)
		}
		if strings.Contains(x.Why, "SUPERSECRET") {
			t.Errorf("%s shows the secret: %q", x.Node, x.Why)
		}
	}
	if len(tm.started) > 0 {
		t.Errorf("explain ran nodes: %v", tm.started)
	}
}

// A resumed run keeps what succeeded before, when what it needs was kept
// too, and runs the rest.
func TestResumeKeepsWhatSucceeded(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
nodes:
  a: {module: flaky, with: {succeed_on: 1}}
  b: {module: flaky, needs: a, with: {succeed_on: 1}}
  c: {module: echo, needs: b, with: {n: "${{ nodes.a.outputs.attempt }}"}}
  d: {module: flaky, needs: a, with: {succeed_on: 1}}
  e: {module: echo, needs: b}
`, engine.Options{KeptFrom: "r0", Keep: map[string]engine.Kept{
		"a": {Message: "ok", Outputs: map[string]any{"attempt": 7}},
		"d": {Message: "ok", Outputs: map[string]any{"attempt": 7}},
		"e": {Message: "ok"}, // kept before, but b runs again now
	}})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"a": {engine.StatusSuccess, "kept from run r0"},
		"d": {engine.StatusSuccess, "kept from run r0"},
		"b": {engine.StatusSuccess, ""},
		"e": {engine.StatusSuccess, ""},
	})
	if got := strings.Join(tm.started, ","); got != "b" {
		t.Errorf("started %s, want only b", got)
	}
	if rec.Nodes["c"].Outputs["n"] != 7 || rec.ResumedFrom != "r0" {
		t.Errorf("c read %v from the kept a; resumed from %q", rec.Nodes["c"].Outputs["n"], rec.ResumedFrom)
	}
}
