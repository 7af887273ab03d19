package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// TestNestedBadPipelines checks the diagnostics of pipeline nodes against
// testdata/nested/bad/*.golden: problems in a sub-pipeline are reported
// in its file, and once more where it is included.
func TestNestedBadPipelines(t *testing.T) {
	files, err := filepath.Glob("../testdata/nested/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no nested bad pipelines found: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			_, err := engine.Load(file, modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error is %T, want schema.Diagnostics: %v", err, err)
			}
			var b strings.Builder
			for _, d := range diags {
				b.WriteString(d.Long())
				b.WriteString("\n")
			}
			golden(t, strings.TrimSuffix(file, ".yaml")+".golden", b.String())
		})
	}
}

// TestPipelineModuleRuns runs testdata/nested/nested.yaml: a sub-pipeline
// once, then once per league under foreach; its outputs reach the parent,
// its nodes are in the record as node/child.
func TestPipelineModuleRuns(t *testing.T) {
	plan, err := engine.Load("../testdata/nested/nested.yaml", modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s: %s", rec.Status, rec.Reason)
	}
	for id, want := range map[string]string{
		"england/fetch":              "england",
		"per_league[germany]/fetch":  "germany",
		"per_league[italy]/report":   "",
		"per_league[germany]/report": "",
	} {
		n := rec.Nodes[id]
		if n == nil || n.Status != engine.StatusSuccess {
			t.Errorf("record of %s: %+v", id, n)
			continue
		}
		if want != "" && n.Outputs["league"] != want {
			t.Errorf("%s read league %v, want %s (set: LEAGUE from item)", id, n.Outputs["league"], want)
		}
	}
	if got := rec.Nodes["england"].Message; got != "pipeline league: 2 success" {
		t.Errorf("england's message %q, want how its nodes ended", got)
	}
	if _, ok := rec.Nodes["england"].Outputs["/nodes"]; ok {
		t.Error("the children's records are left in the node's outputs")
	}
	cmp := rec.Nodes["compare"].Outputs
	if cmp["total"] != 1140 || !strings.Contains(cmp["message"].(string), "italy: 380 matches, 3+ goals") {
		t.Errorf("compare got %v", cmp)
	}
}

// A sub-pipeline whose node fails fails its pipeline node (with the
// children recorded), and the parent's gate closes a dangerous child.
func TestPipelineModuleFails(t *testing.T) {
	tm := newTestModules(t)
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("sub.yaml", `
name: sub
config: {MSG: boom}
nodes:
  ok: {module: echo, with: {n: 1}}
  bad: {module: fail, needs: ok, with: {message: "${{ config.MSG }}"}}
  risky: {module: risky}
outputs:
  n: ${{ nodes.ok.outputs.n }}
`)
	parent := write("parent.yaml", `
nodes:
  sub:
    module: pipeline
    with: {file: sub.yaml, set: {MSG: "it broke"}}
  after:
    module: echo
    needs: sub
    with: {n: "${{ nodes.sub.outputs.n }}"}
`)
	plan, err := engine.Load(parent, tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id     string
		status engine.Status
		text   string
	}{
		{"sub", engine.StatusError, "pipeline sub error: 1 node(s) failed"},
		{"sub/ok", engine.StatusSuccess, ""},
		{"sub/bad", engine.StatusError, "it broke"},
		{"sub/risky", engine.StatusSkipped, "dangerous module disabled"},
		{"after", engine.StatusSkipped, "need sub failed"},
	}
	for _, tt := range tests {
		n := rec.Nodes[tt.id]
		if n == nil {
			t.Errorf("%s: no record", tt.id)
			continue
		}
		if n.Status != tt.status || !strings.Contains(n.Message+" "+n.Reason, tt.text) {
			t.Errorf("%s: %s %q %q, want %s with %q", tt.id, n.Status, n.Message, n.Reason, tt.status, tt.text)
		}
	}
}

// A worker runs a pipeline task with the registry alone: it loads the
// file the task names.
func TestPipelineModuleOnAWorker(t *testing.T) {
	file, err := filepath.Abs("../testdata/nested/league.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ex := engine.NewLocalExecutor(modules.Default, 0, func(string) *slog.Logger { return nil }, nil)
	out, err := ex.Execute(context.Background(), engine.Task{Run: "r1", Node: "sub", Module: engine.PipelineModule,
		With: map[string]any{"file": file, "set": map[string]any{"LEAGUE": "spain"}}, Attempt: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Values["summary"]; got != "spain: 380 matches, 2+ goals" {
		t.Errorf("summary %v", got)
	}
}

// On a worker, a sub-pipeline without a base_dir of its own runs in the
// base directory of the pipeline that runs it (the task's Dir), as it does
// in a local run: it ran in its file's project instead, ignoring the
// run's --base-dir or its parent's base_dir.
func TestPipelineModuleOnAWorkerTakesTheParentsBaseDir(t *testing.T) {
	proj, err := filepath.EvalSymlinks(t.TempDir()) // pwd prints the real path
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{
		".pipe/.keep":      "",
		"other/.keep":      "",
		"own/.keep":        "",
		"pipes/child.yaml": "name: child\nnodes:\n  pwd: {module: exec, with: {command: [pwd]}}\noutputs:\n  cwd: ${{ nodes.pwd.outputs.stdout }}\n",
		"pipes/based.yaml": "name: based\nbase_dir: ../own\nnodes:\n  pwd: {module: exec, with: {command: [pwd]}}\noutputs:\n  cwd: ${{ nodes.pwd.outputs.stdout }}\n",
	} {
		path := filepath.Join(proj, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ex := engine.NewLocalExecutor(modules.Default, 0, func(string) *slog.Logger { return nil }, nil)
	for _, tt := range []struct {
		file   string
		dirSet bool // --base-dir or a base_dir chose the parent's
		want   string
	}{
		{"../pipes/child.yaml", true, "other"}, // not proj, the file's project
		{"../pipes/based.yaml", true, "own"},   // its own base_dir wins
		// The parent's by default, and the file elsewhere: the file's
		// project, as the client that submitted the run decided.
		{"../pipes/child.yaml", false, ""},
	} {
		out, err := ex.Execute(context.Background(), engine.Task{Run: "r1", Node: "sub", Module: engine.PipelineModule,
			With: map[string]any{"file": tt.file}, Dir: filepath.Join(proj, "other"), DirSet: tt.dirSet, Attempt: 1})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := out.Values["cwd"], filepath.Join(proj, tt.want); got != want {
			t.Errorf("%s ran in %v, want %s", tt.file, got, want)
		}
	}
}

// pipe graph draws a pipeline node in a cluster with its sub-pipeline's
// nodes, <node>/<child>.
func TestPipelineGraph(t *testing.T) {
	plan, err := engine.Load("../testdata/nested/nested.yaml", modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := engine.WriteDOT(&b, plan, nil); err != nil {
		t.Fatal(err)
	}
	golden(t, "../testdata/nested/nested.dot", b.String())
}

// A plan compiled for a run driven elsewhere reads no file: its pipeline
// nodes name the sub-file relative to where the run was submitted, for
// the worker to load.
func TestPipelineNodeRemote(t *testing.T) {
	data, err := os.ReadFile("../testdata/nested/nested.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.ParseRemote("../testdata/nested/nested.yaml", data, modules.Default, nil); err != nil {
		t.Fatal(err)
	}
	// The same file under a name whose directory has no league.yaml: an
	// offline compile does not look.
	if _, err := engine.ParseRemote("elsewhere/nested.yaml", data, modules.Default, nil); err != nil {
		t.Fatalf("ParseRemote read the sub-file: %v", err)
	}
}

// Cancelling the run cancels a running sub-pipeline's nodes: the pipeline
// node and its children are recorded cancelled.
func TestPipelineModuleCancelled(t *testing.T) {
	tm := newTestModules(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte(`
nodes:
  long: {module: busy, with: {for: 1h}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Join(dir, "parent.yaml")
	if err := os.WriteFile(parent, []byte(`
nodes:
  sub: {module: pipeline, with: {file: sub.yaml}}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := engine.Load(parent, tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := engine.Options{OnEvent: func(ev engine.Event) {
		if ev.Kind == engine.NodeStarted && ev.Node == "sub" {
			cancel()
		}
	}}
	rec, err := engine.New(tm.reg).Run(ctx, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"sub", "sub/long"} {
		if n := rec.Nodes[id]; n == nil || n.Status != engine.StatusCancelled {
			t.Errorf("%s: %+v, want cancelled", id, n)
		}
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s, want cancelled", rec.Status)
	}
}

// set given as one ${{ }} is checked when the run knows it: a key the
// sub-pipeline lacks, a value of the wrong type, or no map at all fail
// the node.
func TestPipelineModuleSetAtRunTime(t *testing.T) {
	tests := []struct{ set, want string }{
		{`"${{ {'NOPE': 1} }}"`, "set NOPE: pipeline league has no such config"},
		// Of a type known only as it runs (validate says it of 'many').
		{`{MIN_GOALS: "${{ keys({'many': 1})[0] }}"}`, "set MIN_GOALS: want a whole number, not a string"},
		// A list written as one is refused by validate; this one is known
		// only when it runs.
		{`"${{ fromJSON('[1, 2]') }}"`, "input set: want a mapping, not a list"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			src := "nodes:\n  sub:\n    module: pipeline\n    with: {file: league.yaml, set: " + tt.set + "}\n"
			plan, err := engine.Parse("../testdata/nested/set.yaml", []byte(src), modules.Default)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			// Placed at the node's set, as validate places literal values.
			if n := rec.Nodes["sub"]; n.Status != engine.StatusError || !strings.Contains(n.Message, tt.want) || !strings.HasPrefix(n.Message, "../testdata/nested/set.yaml:4:") {
				t.Errorf("sub: %s %q, want error with %q at set.yaml:4", n.Status, n.Message, tt.want)
			}
		})
	}
}

// Only a pipeline node's outputs carry children: another module that
// gives the same key adds no record.
func TestOnlyPipelineNodesAddRecords(t *testing.T) {
	src := `
nodes:
  forger:
    module: echo
    with: {"/nodes": {fake: {module: echo, status: success}}}
`
	plan, err := engine.Parse("forge.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.Nodes["forger/fake"]; ok {
		t.Error("an echo node's output made a record of a node that never ran")
	}
}

// A secret does not show across a sub-pipeline, either way: the parent's,
// passed down under a key the child does not call secret, is masked in
// the child's records; the child's, handed up through its outputs, is
// masked in the parent's.
func TestSubPipelineSecretsStayMasked(t *testing.T) {
	plan, _ := loadWithChild(t, `name: child
config: {PLAIN: "", CHILD_TOKEN: childsecret123}
nodes:
  show: {module: echo, with: {message: "plain=${{ config.PLAIN }}"}}
outputs:
  k: ${{ config.CHILD_TOKEN }}
`, `name: parent
config: {API_KEY: hunter2secret}
nodes:
  p: {module: pipeline, with: {file: child.yaml, set: {PLAIN: "${{ config.API_KEY }}"}}}
  q: {module: echo, needs: p, with: {message: "parent-got ${{ nodes.p.outputs.k }}"}}
`, modules.Default)
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
	}
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"hunter2secret", "childsecret123"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the record shows %s:\n%s", secret, data)
		}
	}
	if got := rec.Nodes["p/show"].Message; got != "plain=***" {
		t.Errorf("child's message %q, want plain=***", got)
	}
	if got := rec.Nodes["q"].Message; got != "parent-got ***" {
		t.Errorf("parent's message %q, want parent-got ***", got)
	}
}

// What a run records of its file (and a cached pipeline node's key holds)
// covers its sub-pipelines, theirs too: an edit two files down is seen,
// by --resume and by the cache. A file without them hashes as it always
// did.
func TestSourceHashCoversSubPipelines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("g.yaml", "name: g\nnodes:\n  a: {module: echo, with: {v: 10}}\noutputs: {v: \"${{ nodes.a.outputs.v }}\"}\n")
	write("m.yaml", "name: m\nnodes:\n  g: {module: pipeline, with: {file: g.yaml}}\n")
	top := "name: top\nnodes:\n  p: {module: pipeline, cache: true, with: {file: m.yaml}}\n"
	write("top.yaml", top)
	hash := func(file string) string {
		plan, err := engine.Load(filepath.Join(dir, file), modules.Default)
		if err != nil {
			t.Fatal(err)
		}
		return plan.SourceHash()
	}
	before := hash("top.yaml")
	write("g.yaml", "name: g\nnodes:\n  a: {module: echo, with: {v: 20}}\noutputs: {v: \"${{ nodes.a.outputs.v }}\"}\n")
	if after := hash("top.yaml"); after == before {
		t.Errorf("hash %s unchanged after an edit of the sub-pipeline's sub-pipeline", after)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "g.yaml"))
	sum := sha256.Sum256(data)
	if got, want := hash("g.yaml"), hex.EncodeToString(sum[:8]); got != want {
		t.Errorf("a file without sub-pipelines hashes as %s, want %s (what runs recorded before)", got, want)
	}
}

// A sub-pipeline's cached nodes use the run's node cache: the second run
// reuses them, and --no-cache runs them again.
func TestSubPipelineNodesUseTheCache(t *testing.T) {
	plan, dir := loadWithChild(t, "name: child\nnodes:\n  a: {module: echo, cache: true, with: {v: 1}}\n", "name: parent\nnodes:\n  p: {module: pipeline, with: {file: child.yaml}}\n", modules.Default)
	cache := filepath.Join(dir, "cache")
	for k, tc := range []struct {
		noCache bool
		cached  bool
	}{{false, false}, {false, true}, {true, false}} {
		rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{CacheDir: cache, NoCache: tc.noCache})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run %d: %v %s", k, err, rec.Status)
		}
		if got := rec.Nodes["p/a"].CachedFrom != ""; got != tc.cached {
			t.Errorf("run %d (no cache %v): p/a cached %v, want %v", k, tc.noCache, got, tc.cached)
		}
	}
}

// A bound given for the run (pipe run --max-parallel) bounds the nodes of
// its sub-pipelines too, and does not loosen a sub-pipeline's own.
func TestSubPipelineKeepsTheRunsBound(t *testing.T) {
	for _, tc := range []struct{ own, run int }{{0, 1}, {1, 4}} {
		t.Run(fmt.Sprintf("own %d, run %d", tc.own, tc.run), func(t *testing.T) {
			subPipelineBound(t, tc.own, tc.run)
		})
	}
}

// subPipelineBound runs a sub-pipeline whose max_parallel is own (0: none)
// under a run bound of run, and checks that its instances ran one at a
// time.
func subPipelineBound(t *testing.T, own, run int) {
	dir := t.TempDir()
	bound := ""
	if own > 0 {
		bound = fmt.Sprintf("max_parallel: %d\n", own)
	}
	os.WriteFile(filepath.Join(dir, "child.yaml"), []byte("name: child\n"+bound+"nodes:\n  w: {module: exec, foreach: [1, 2, 3], with: {command: [sleep, \"0.05\"]}}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "parent.yaml"), []byte("name: parent\nnodes:\n  p: {module: pipeline, with: {file: child.yaml}}\n"), 0o644)
	plan, err := engine.Load(filepath.Join(dir, "parent.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{MaxParallel: run})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
	}
	var spans [][2]time.Time
	for _, id := range []string{"p/w[1]", "p/w[2]", "p/w[3]"} {
		n := rec.Nodes[id]
		if n == nil {
			t.Fatalf("no record of %s: %v", id, slices.Sorted(maps.Keys(rec.Nodes)))
		}
		spans = append(spans, [2]time.Time{n.StartedAt, n.FinishedAt})
	}
	slices.SortFunc(spans, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	for k := 1; k < len(spans); k++ {
		if spans[k][0].Before(spans[k-1][1]) {
			t.Errorf("instances ran at once under --max-parallel 1: %v", spans)
		}
	}
}

// A sub-pipeline has the dangerous gate whether it declares it or not:
// set may name it, and cannot open it; the parent's gate does.
func TestSubPipelineGateIsTheParents(t *testing.T) {
	plan, _ := loadWithChild(t, "name: child\nnodes:\n  d: {module: echo, dangerous: true}\n", "name: parent\nnodes:\n  p: {module: pipeline, with: {file: child.yaml, set: {ENABLE_DANGEROUS_AI: true}}}\n", modules.Default)
	for _, open := range []bool{false, true} {
		rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Config: map[string]any{engine.DangerKey: open}})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
		}
		want := engine.StatusSkipped
		if open {
			want = engine.StatusSuccess
		}
		if got := rec.Nodes["p/d"].Status; got != want {
			t.Errorf("parent's gate open %v: p/d %s, want %s", open, got, want)
		}
	}
}

// A pipeline node kept by --resume keeps its sub-pipeline's records.
func TestKeptPipelineNodeKeepsItsChildren(t *testing.T) {
	plan, _ := loadWithChild(t, "name: child\nnodes:\n  a: {module: echo}\n", "name: parent\nnodes:\n  p: {module: pipeline, with: {file: child.yaml}}\n  q: {module: echo, needs: p}\n", modules.Default)
	child := &engine.NodeRecord{Module: "echo", Status: engine.StatusSuccess, Message: "from before"}
	keep := map[string]engine.Kept{"p": {Outputs: map[string]any{}, Children: map[string]*engine.NodeRecord{"a": child}}}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Keep: keep, KeptFrom: "r0"})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %s %s", err, rec.Status, rec.Reason)
	}
	if got := rec.Nodes["p/a"]; got == nil || got.Message != "from before" || !strings.HasPrefix(rec.Nodes["p"].Reason, engine.KeptPrefix) {
		t.Errorf("p %+v, p/a %+v: want p kept with its child's record", rec.Nodes["p"], got)
	}
}

// A sub-pipeline that fails still gives what its outputs can say, to a
// parent that goes on (continue_on_error); an output that cannot be
// evaluated is null.
func TestFailedSubPipelineGivesWhatItCan(t *testing.T) {
	tm := newTestModules(t)
	plan, _ := loadWithChild(t, `name: child
nodes:
  ok: {module: echo, with: {v: 1}}
  bad: {module: fail, with: {message: broken}}
outputs:
  okv: "${{ nodes.ok.outputs.v }}"
  st: "${{ nodes.bad.status }}"
  gone: "${{ nodes.bad.outputs.x[3] }}"
`, `name: parent
nodes:
  p: {module: pipeline, continue_on_error: true, with: {file: child.yaml}}
  r: {module: echo, needs: p, with: {okv: "${{ nodes.p.outputs.okv }}", st: "${{ nodes.p.outputs.st }}", gone: "${{ nodes.p.outputs.gone }}"}}
`, tm.reg)
	rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Nodes["r"].Outputs
	if rec.Nodes["r"].Status != engine.StatusSuccess || got["okv"] != 1 || got["st"] != "error" || got["gone"] != nil {
		t.Errorf("r %s %s, outputs %v: want okv 1, st error, gone null", rec.Nodes["r"].Status, rec.Nodes["r"].Reason, got)
	}
}

// A cached pipeline node's key holds the dangerous gate its child gets:
// opening the gate runs it again.
func TestCachedPipelineNodeKeysTheGate(t *testing.T) {
	plan, dir := loadWithChild(t, "name: child\nnodes:\n  g: {module: echo, when: \"config.ENABLE_DANGEROUS_AI\"}\noutputs: {st: \"${{ nodes.g.status }}\"}\n", "name: parent\nnodes:\n  p: {module: pipeline, cache: true, with: {file: child.yaml}}\n", modules.Default)
	cache := filepath.Join(dir, "cache")
	for k, open := range []bool{false, true} {
		rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{CacheDir: cache, Config: map[string]any{engine.DangerKey: open}})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run %d: %v %s", k, err, rec.Status)
		}
		want := map[bool]string{false: "skipped", true: "success"}[open]
		if got := rec.Nodes["p"].Outputs["st"]; got != want || rec.Nodes["p"].CachedFrom != "" {
			t.Errorf("gate open %v: p's st %v (cached from %q), want %s, run again", open, got, rec.Nodes["p"].CachedFrom, want)
		}
	}
}

// loadWithChild writes child.yaml and parent.yaml into a new directory and
// loads the parent, which runs the child; it returns the plan and the
// directory.
func loadWithChild(t *testing.T, child, parent string, reg *modules.Registry) (*engine.Plan, string) {
	t.Helper()
	dir := t.TempDir()
	for name, src := range map[string]string{"child.yaml": child, "parent.yaml": parent} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := engine.Load(filepath.Join(dir, "parent.yaml"), reg)
	if err != nil {
		t.Fatal(err)
	}
	return plan, dir
}

// A file that includes itself through a link to a directory above it is
// a cycle, said once: it was loaded under a longer path each time, 41
// problems deep, until the path was too long.
func TestSubPipelineCycleThroughALink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges there")
	}
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "dl"), 0o755)
	if err := os.Symlink("..", filepath.Join(dir, "dl", "up")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "viadir.yaml")
	os.WriteFile(file, []byte("name: viadir\nnodes:\n  again: {module: pipeline, with: {file: dl/up/viadir.yaml}}\n"), 0o644)
	_, err := engine.Load(file, modules.Default)
	var diags schema.Diagnostics
	if !errors.As(err, &diags) || len(diags) != 1 || !strings.Contains(diags[0].Error(), "pipeline files include each other in a cycle: viadir.yaml -> viadir.yaml") {
		t.Errorf("error %v, want one cycle", err)
	}
}

// Every output of a sub-pipeline that cannot be made is said, each at its
// line in the sub-pipeline's file; the others are given.
func TestSubPipelineOutputsThatFail(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "outs.yaml"), []byte(`name: outs
nodes:
  a: {module: echo, with: {x: 1, l: [1]}}
outputs:
  good: ${{ nodes.a.outputs.x }}
  bad: ${{ nodes.a.outputs.l[5] }}
  worse: ${{ nodes.a.outputs.l[7] }}
`), 0o644)
	file := filepath.Join(dir, "main.yaml")
	os.WriteFile(file, []byte("name: main\nnodes:\n  outs: {module: pipeline, continue_on_error: true, with: {file: outs.yaml}}\n"), 0o644)
	plan, err := engine.Load(file, modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := rec.Nodes["outs"]
	sub := filepath.Join(dir, "outs.yaml")
	want := sub + ":6:29: output bad of pipeline outs: ${{ nodes.a.outputs.l[5] }}: index 5 is out of range: the list has 1 item; " +
		sub + ":7:31: output worse of pipeline outs: ${{ nodes.a.outputs.l[7] }}: index 7 is out of range: the list has 1 item"
	if n.Status != engine.StatusError || n.Message != want {
		t.Errorf("outs: %s, message\n%s\nwant\n%s", n.Status, n.Message, want)
	}
	if n.Outputs["good"] != 1 || n.Outputs["bad"] != nil {
		t.Errorf("outputs %v: want good given, bad null", n.Outputs)
	}
}
