package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

func TestOutputsFlowBetweenNodes(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
name: flow
config:
  MODEL: models/m.json
  ROUNDS: 3
nodes:
  source:
    module: echo
    with:
      list: [1, 2, 3]
      table: {a: 1}
      ratio: 0.5
  sink:
    module: echo
    needs: source
    with:
      list: ${{ nodes.source.outputs.list }}
      table: ${{ nodes.source.outputs.table }}
      ratio: "${{ nodes.source.outputs.ratio }}"
      text: "model ${{ config.MODEL }} x${{ config.ROUNDS }} in ${{ pipeline.name }}, ${{ len(nodes.source.outputs.list) }} items"
      nested: {deep: ["${{ config.ROUNDS * 2 }}"]}
      status: ${{ nodes.source.status }}
      run: ${{ run.id }}
`, engine.Options{})
	check(t, rec, engine.StatusSuccess, nil)
	out := rec.Nodes["sink"].Outputs
	wantOut := map[string]any{
		"list":   []any{1, 2, 3},
		"table":  map[string]any{"a": 1},
		"ratio":  0.5,
		"text":   "model models/m.json x3 in flow, 3 items",
		"nested": map[string]any{"deep": []any{6}},
		"status": "success",
		"run":    rec.ID,
	}
	if !reflect.DeepEqual(out, wantOut) {
		t.Errorf("outputs:\n got %#v\nwant %#v", out, wantOut)
	}
}

func TestTemplateTypeCheckedAtRunTime(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
nodes:
  a: {module: echo, with: {d: [1]}}
  pause:
    module: wait
    needs: a
    with: {duration: "${{ nodes.a.outputs.d }}"}
`, engine.Options{})
	check(t, rec, engine.StatusError, map[string]want{"pause": {engine.StatusError, "input duration: want a duration"}})
}

func TestMaxParallelBoundsRunningNodes(t *testing.T) {
	for _, limit := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			tm := newTestModules(t)
			var b strings.Builder
			b.WriteString("nodes:\n")
			for i := range 8 {
				fmt.Fprintf(&b, "  n%d: {module: busy, with: {for: 15ms}}\n", i)
			}
			b.WriteString("  w1: {module: wait, with: {duration: 30ms}}\n  w2: {module: wait, with: {duration: 30ms}}\n")
			rec := tm.run(t, b.String(), engine.Options{MaxParallel: limit})
			check(t, rec, engine.StatusSuccess, nil)
			if p := tm.peak.Load(); p > int32(limit) {
				t.Errorf("%d nodes ran at once, max_parallel is %d", p, limit)
			}
			// wait nodes hold no slot: they overlap the busy ones.
			w := rec.Nodes["w1"]
			last := rec.Nodes["n7"]
			if !w.StartedAt.Before(last.StartedAt) {
				t.Errorf("wait node started at %v, after the last busy node (%v): it waited for a slot", w.StartedAt, last.StartedAt)
			}
		})
	}
}

func TestEagerStartsNodesAsSoonAsTheirNeedsAreDone(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `
nodes:
  slow: {module: wait, with: {duration: 150ms}}
  fast: {module: wait, with: {duration: 1ms}}
  after_fast: {module: echo, needs: fast}
  after_slow: {module: echo, needs: slow}
`, engine.Options{})
	check(t, rec, engine.StatusSuccess, nil)
	if !rec.Nodes["after_fast"].FinishedAt.Before(rec.Nodes["slow"].FinishedAt) {
		t.Errorf("after_fast waited for slow, which it does not need")
	}
	levels := tm.run(t, `
nodes:
  slow: {module: wait, with: {duration: 150ms}}
  fast: {module: wait, with: {duration: 1ms}}
  after_fast: {module: echo, needs: fast}
`, engine.Options{Schedule: engine.Levels})
	if levels.Nodes["after_fast"].StartedAt.Before(levels.Nodes["slow"].FinishedAt) {
		t.Errorf("levels schedule: after_fast started before level 0 was done")
	}
}

func TestNeedsFinishBeforeDependentsStart(t *testing.T) {
	tm := newTestModules(t)
	src := randomDAG(300, 3, 7, "echo")
	plan, err := engine.Parse("random.yaml", []byte(src), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, sched := range []engine.Schedule{engine.Eager, engine.Levels} {
		rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{Schedule: sched, MaxParallel: 4})
		if err != nil {
			t.Fatal(err)
		}
		check(t, rec, engine.StatusSuccess, nil)
		g := plan.Graph
		for i := range g.Len() {
			n := rec.Nodes[g.ID(i)]
			for _, j := range g.Needs(i) {
				need := rec.Nodes[g.ID(j)]
				if n.StartedAt.Before(need.FinishedAt) {
					t.Fatalf("%s: %s started before its need %s finished", sched, g.ID(i), g.ID(j))
				}
			}
		}
	}
}

// randomDAG writes a pipeline of n nodes of module, each needing up to
// fanIn random earlier nodes (fixed seed).
func randomDAG(n, fanIn int, seed uint64, module string) string {
	var b strings.Builder
	b.WriteString("name: random\nnodes:\n")
	x := seed
	next := func() uint64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
	for i := range n {
		fmt.Fprintf(&b, "  n%d:\n    module: %s\n", i, module)
		if i == 0 {
			continue
		}
		k := int(next() % uint64(fanIn+1))
		seen := map[int]bool{}
		var needs []string
		for range k {
			j := int(next() % uint64(i))
			if !seen[j] {
				seen[j] = true
				needs = append(needs, fmt.Sprintf("n%d", j))
			}
		}
		if len(needs) > 0 {
			fmt.Fprintf(&b, "    needs: [%s]\n", strings.Join(needs, ", "))
		}
	}
	return b.String()
}

func TestCancelStopsRunningAndPendingNodes(t *testing.T) {
	tm := newTestModules(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(engine.ErrInterrupted) })
	start := time.Now()
	rec := tm.runCtx(t, ctx, `
nodes:
  fast: {module: echo}
  long: {module: wait, with: {duration: 1h}}
  after: {module: echo, needs: long}
`, engine.Options{})
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("run took %v to stop after cancel", d)
	}
	check(t, rec, engine.StatusCancelled, map[string]want{
		"fast":  {engine.StatusSuccess, ""},
		"long":  {engine.StatusCancelled, "interrupted"},
		"after": {engine.StatusCancelled, "not started: run interrupted"},
	})
}

func TestGracefulModuleEndsRunAsSuccessOnInterrupt(t *testing.T) {
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "server", Waits: true, New: func() modules.Module {
		return moduleFunc(func(ctx context.Context, in *modules.Input) (*modules.Output, error) {
			<-ctx.Done() // serve until the run is stopped, then shut down cleanly
			return &modules.Output{Message: "shut down"}, nil
		})
	}})
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(30*time.Millisecond, func() { cancel(engine.ErrInterrupted) })
	rec := tm.runCtx(t, ctx, "nodes:\n  web: {module: server}\n  a: {module: echo}\n", engine.Options{})
	check(t, rec, engine.StatusSuccess, map[string]want{"web": {engine.StatusSuccess, ""}})
}

func TestSnapshotDuringRun(t *testing.T) {
	tm := newTestModules(t)
	var snaps [][]byte
	tm.reg.Register(modules.Info{Name: "observer", New: func() modules.Module {
		return moduleFunc(func(ctx context.Context, in *modules.Input) (*modules.Output, error) {
			for range 20 {
				b, err := in.Run.Snapshot()
				if err != nil {
					return nil, err
				}
				snaps = append(snaps, b)
				if _, err := in.Run.Graph(); err != nil {
					return nil, err
				}
			}
			return &modules.Output{}, nil
		})
	}})
	rec := tm.run(t, randomDAG(50, 2, 3, "echo")+"  watch: {module: observer}\n", engine.Options{})
	check(t, rec, engine.StatusSuccess, nil)
	var r engine.Record
	if err := json.Unmarshal(snaps[len(snaps)-1], &r); err != nil || r.ID != rec.ID {
		t.Fatalf("snapshot is not the run's record: %v %q", err, r.ID)
	}
}

func TestRunOptionErrors(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("x.yaml", []byte("name: x\nnodes:\n  train: {module: echo}\n"), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []engine.Options{
		{Only: []string{"trian"}},
		{Skip: []string{"nope"}},
		{Schedule: "sideways"},
	} {
		_, err := engine.New(tm.reg).Run(context.Background(), plan, opts)
		if !errors.Is(err, engine.ErrUsage) {
			t.Errorf("%+v: error %v, want a usage error", opts, err)
		}
	}
	_, err = engine.New(tm.reg).Run(context.Background(), plan, engine.Options{Only: []string{"trian"}})
	if err == nil || !strings.Contains(err.Error(), `did you mean "train"`) {
		t.Errorf("error %v, want a suggestion", err)
	}
}

func TestResolveConfig(t *testing.T) {
	plan, err := engine.Parse("c.yaml", []byte(`
config:
  ENABLE_DANGEROUS_AI: false
  N: 3
  RATE: 0.5
  MODEL: models/a.json
  EMPTY:
nodes:
  a: {module: echo}
`), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "custom.env")
	os.WriteFile(envFile, []byte("N=4\nMODEL=models/env.json\nUNRELATED=1\n"), 0o644)
	environ := func(k string) (string, bool) {
		v, ok := map[string]string{"MODEL": "models/environ.json", "RATE": "0.25"}[k]
		return v, ok
	}
	got, err := engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{
		EnvFile: envFile, Environ: environ, Set: []string{"ENABLE_DANGEROUS_AI=true", "EMPTY=x=y"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"ENABLE_DANGEROUS_AI": true, "N": 4, "RATE": 0.25, "MODEL": "models/environ.json", "EMPTY": "x=y"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("config = %v, want %v", got, want)
	}
	bad := []engine.ConfigSources{
		{Set: []string{"N=three"}},
		{Set: []string{"N=99999999999999999999"}},
		{Set: []string{"ENABLE_DANGEROUS_AI=perhaps"}},
		{Set: []string{"MODLE=x"}},
		{Set: []string{"N"}},
		{EnvFile: filepath.Join(dir, "missing.env")},
	}
	for _, src := range bad {
		if _, err := engine.ResolveConfig(plan.Pipeline, src); !errors.Is(err, engine.ErrUsage) {
			t.Errorf("%+v: error %v, want a usage error", src, err)
		}
	}
}

func TestRecordIsWrittenAtomically(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "name: r\nnodes:\n  a: {module: echo, with: {x: 1, s: \"q\\\"\\n\\u00e9<\"}}\n  b: {module: echo, needs: a}\n  c: {module: echo, when: \"false\"}\n", engine.Options{})
	dir := t.TempDir()
	path, err := engine.WriteRecord(dir, rec)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("run dir holds %d files, want only the record", len(entries))
	}
	back, err := engine.ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.ID != rec.ID || back.Nodes["a"].Status != engine.StatusSuccess || back.Nodes["a"].Outputs["x"] != 1 { // a whole number reads back an int, as the module gave it
		t.Errorf("record read back = %+v", back)
	}
	// The file holds what encoding/json makes of the record, a node a line.
	data, _ := os.ReadFile(path)
	var got, want any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("record is not JSON: %v", err)
	}
	b, _ := json.Marshal(rec)
	_ = json.Unmarshal(b, &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record file decodes to\n%v\nwant\n%v", got, want)
	}
	if lines := strings.Count(string(data), "\n"); lines != 1+len(rec.Nodes)+1 {
		t.Errorf("record has %d lines, want a head, a line per node and the close:\n%s", lines, data)
	}
	if _, err := engine.ReadRecord(filepath.Join(dir, "nope.json")); err == nil {
		t.Error("reading a missing record succeeded")
	}
}

func TestCancelAbandonsAModuleThatIgnoresIt(t *testing.T) {
	tm := newTestModules(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(20*time.Millisecond, func() { cancel(engine.ErrInterrupted) })
	start := time.Now()
	rec := tm.runCtx(t, ctx, "nodes:\n  stuck: {module: stubborn}\n  after: {module: echo, needs: stuck}\n", engine.Options{})
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("run took %v: it waited for the stubborn module past the grace", d)
	}
	check(t, rec, engine.StatusCancelled, map[string]want{
		"stuck": {engine.StatusCancelled, "did not stop"},
		"after": {engine.StatusCancelled, "not started"},
	})
	time.Sleep(350 * time.Millisecond) // let the abandoned module end before goleak looks
}

func TestJournalHasEveryNodesEnd(t *testing.T) {
	tm := newTestModules(t)
	var buf strings.Builder
	rec := tm.run(t, "nodes:\n  a: {module: echo}\n  b: {module: fail, needs: a}\n  c: {module: echo, needs: b}\n", engine.Options{Journal: &buf, RunID: "r1"})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	lines = lines[1 : len(lines)-1] // after the header (TestJournalHeader), before the run's end
	if len(lines) != 3 {
		t.Fatalf("journal has %d node lines, want one a node:\n%s", len(lines), buf.String())
	}
	seen := map[string]engine.Status{}
	for _, l := range lines {
		var jl struct {
			Run, Node string
			Status    engine.Status
		}
		if err := json.Unmarshal([]byte(l), &jl); err != nil || jl.Run != "r1" {
			t.Fatalf("line %q: %v", l, err)
		}
		seen[jl.Node] = jl.Status
	}
	for id, n := range rec.Nodes {
		if seen[id] != n.Status {
			t.Errorf("journal says %s is %s, the record %s", id, seen[id], n.Status)
		}
	}
}

func TestWholeValueWithSurroundingBlanksKeepsItsType(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "nodes:\n  a: {module: echo, with: {list: [1, 2]}}\n  b:\n    module: echo\n    needs: a\n    with:\n      list: \"${{ nodes.a.outputs.list }} \"\n", engine.Options{})
	check(t, rec, engine.StatusSuccess, nil)
	if got := rec.Nodes["b"].Outputs["list"]; !reflect.DeepEqual(got, []any{1, 2}) {
		t.Errorf("list = %#v, want the list itself", got)
	}
}

// Every pipeline has the dangerous gate: ENABLE_DANGEROUS_AI opens it from
// --set, the environment or a .env file even where the pipeline's config
// does not declare it, and the record says so; its expressions read
// config.ENABLE_DANGEROUS_AI. Unset, the gate is shut.
func TestDangerousGateOfAPipelineThatDoesNotDeclareIt(t *testing.T) {
	plan, err := engine.Parse("d.yaml", []byte("name: d\nnodes:\n  d: {module: echo, dangerous: true}\n  after: {module: echo, needs: d}\n"+
		"  safe: {module: echo, when: '!config.ENABLE_DANGEROUS_AI', with: {message: 'gate ${{ config.ENABLE_DANGEROUS_AI }}'}}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	envFile := filepath.Join(t.TempDir(), "d.env")
	os.WriteFile(envFile, []byte("ENABLE_DANGEROUS_AI=yes\n"), 0o644)
	tests := []struct {
		name string
		src  engine.ConfigSources
		want engine.Status // of d
		from string
	}{
		{"unset", engine.ConfigSources{}, engine.StatusSkipped, ""},
		{"--set", engine.ConfigSources{Set: []string{"ENABLE_DANGEROUS_AI=true"}}, engine.StatusSuccess, "--set"},
		{"--set false", engine.ConfigSources{Set: []string{"ENABLE_DANGEROUS_AI=false"}}, engine.StatusSkipped, "--set"},
		{"environment", engine.ConfigSources{Environ: func(k string) (string, bool) { return "1", k == "ENABLE_DANGEROUS_AI" }}, engine.StatusSuccess, "environment"},
		{".env", engine.ConfigSources{EnvFile: envFile}, engine.StatusSuccess, envFile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Config: cfg, ConfigFrom: from})
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Nodes["d"].Status; got != tc.want {
				t.Errorf("node d %s (%s), want %s", got, rec.Nodes["d"].Reason, tc.want)
			}
			// Expressions read the gate, declared or not: false unless set.
			if safe := rec.Nodes["safe"]; (safe.Status == engine.StatusSuccess) != (tc.want == engine.StatusSkipped) ||
				safe.Status == engine.StatusSuccess && safe.Message != "gate false" {
				t.Errorf("node safe %s %q (%s): want it to run, saying the gate is false, exactly when d is skipped", safe.Status, safe.Message, safe.Reason)
			}
			got, recorded := rec.Config["ENABLE_DANGEROUS_AI"]
			if recorded != (tc.from != "") || got.From != tc.from {
				t.Errorf("recorded config %+v, want ENABLE_DANGEROUS_AI from %q", rec.Config, tc.from)
			}
		})
	}
	if _, err := engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{Set: []string{"ENABLE_DANGEROUS_AI=perhaps"}}); !errors.Is(err, engine.ErrUsage) {
		t.Errorf("ENABLE_DANGEROUS_AI=perhaps: %v, want a usage error", err)
	}
}

// A graph coloured with a run says what failed, not only that it did.
func TestGraphSaysWhatFailed(t *testing.T) {
	plan, err := engine.Parse("g.yaml", []byte("name: g\nnodes:\n  y: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec := &engine.Record{Nodes: map[string]*engine.NodeRecord{"y": {Status: engine.StatusError, Reason: "failed", Message: "exit status 3"}}}
	var b strings.Builder
	if err := engine.WriteDOT(&b, plan, rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `tooltip="failed: exit status 3"`) {
		t.Errorf("graph:\n%s", b.String())
	}
}

// A value nested past what JSON readers take is cut in the record, so
// that the record stays readable.
func TestDeepValuesAreCutInTheRecord(t *testing.T) {
	depth := 9990
	src := "name: deep\nnodes:\n  a: {module: echo, with: {x: " + strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth) + "}}\n"
	plan, err := engine.Parse("deep.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s", err, rec.Status)
	}
	path, err := engine.WriteRecord(t.TempDir(), rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadRecord(path)
	if err != nil {
		t.Fatalf("the record cannot be read back: %v", err)
	}
	if !strings.Contains(fmt.Sprint(back.Nodes["a"].Inputs["x"]), "nested deeper than") {
		t.Errorf("input x not cut: %.200v", back.Nodes["a"].Inputs["x"])
	}
}
