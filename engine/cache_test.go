package engine_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// cacheModules is a registry with a module that counts its runs and
// writes its log file, a deterministic one, and one that acts on the
// world.
func cacheModules(calls *atomic.Int32) *modules.Registry {
	reg := modules.NewRegistry()
	run := func(_ context.Context, in *modules.Input) (*modules.Output, error) {
		n := calls.Add(1)
		if in.LogFile != "" {
			os.MkdirAll(filepath.Dir(in.LogFile), 0o755)
			os.WriteFile(in.LogFile, []byte("fitting "+in.String("x")+"\n"), 0o600)
		}
		return &modules.Output{Message: "fitted " + in.String("x"), Values: map[string]any{"x": in.With["x"], "n": int(n), "nan": 0.5}}, nil
	}
	reg.Register(modules.Info{Name: "fit", Version: "1", Inputs: []modules.Field{{Name: "x", Type: modules.String}},
		New: func() modules.Module { return moduleFunc(run) }})
	reg.Register(modules.Info{Name: "pure", Deterministic: true, Inputs: []modules.Field{{Name: "x", Type: modules.String}},
		New: func() modules.Module { return moduleFunc(run) }})
	reg.Register(modules.Info{Name: "serve", Effects: true, Deterministic: true, Inputs: []modules.Field{{Name: "x", Type: modules.String}},
		New: func() modules.Module { return moduleFunc(run) }})
	return reg
}

func TestCacheExecutor(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := t.TempDir()
	const src = `
name: cached
config: {X: a}
nodes:
  fit:
    cache: true
    with: {x: "${{ config.X }}"}
  below:
    module: fit
    cache: true
    needs: fit
    with: {x: "${{ nodes.fit.outputs.x }}!"}
  pure: {with: {x: p}}
  pure_off: {module: pure, cache: false, with: {x: p}}
  plain: {module: fit, with: {x: a}}
  serve: {with: {x: s}}
`
	plan, err := engine.Parse("p.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(reg)
	run := func(opts engine.Options) *engine.Record {
		t.Helper()
		opts.CacheDir = filepath.Join(dir, "cache")
		opts.LogDir = filepath.Join(dir, "runs", opts.RunID)
		rec, err := eng.Run(context.Background(), plan, opts)
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run: %v %v", err, rec.Status)
		}
		return rec
	}
	first := run(engine.Options{RunID: "r1"})
	if n := calls.Load(); n != 6 {
		t.Fatalf("first run: %d calls, want 6", n)
	}
	calls.Store(0)
	second := run(engine.Options{RunID: "r2"})
	// fit, below and pure come from the cache; pure_off, plain and serve run.
	if n := calls.Load(); n != 3 {
		t.Errorf("second run: %d calls, want 3", n)
	}
	for id, from := range map[string]string{"fit": "r1", "below": "r1", "pure": "r1", "pure_off": "", "plain": "", "serve": ""} {
		n := second.Nodes[id]
		if n.CachedFrom != from {
			t.Errorf("%s: cached_from %q, want %q", id, n.CachedFrom, from)
		}
		if from == "" {
			continue
		}
		if n.Reason != "cached from "+from || n.Status != engine.StatusSuccess || n.Message != first.Nodes[id].Message {
			t.Errorf("%s: %s %q %q", id, n.Status, n.Reason, n.Message)
		}
		if n.Outputs["n"] != first.Nodes[id].Outputs["n"] {
			t.Errorf("%s: outputs %v, want the first run's %v", id, n.Outputs, first.Nodes[id].Outputs)
		}
	}
	log, err := os.ReadFile(filepath.Join(dir, "runs", "r2", "fit.log"))
	if err != nil || string(log) != "fitting a\n" {
		t.Errorf("the cached node's log: %q %v", log, err)
	}
	// A hit in a run with secrets: the log it copies is masked with them.
	if rec := run(engine.Options{RunID: "r2s", Secrets: []string{"fitting"}}); rec.Nodes["fit"].CachedFrom != "r1" {
		t.Errorf("with a secret: cached from %q, want r1", rec.Nodes["fit"].CachedFrom)
	}
	log, err = os.ReadFile(filepath.Join(dir, "runs", "r2s", "fit.log"))
	if err != nil || string(log) != engine.Masked+" a\n" {
		t.Errorf("the cached node's log in a run with a secret: %q %v", log, err)
	}

	calls.Store(0)
	third := run(engine.Options{RunID: "r3", Config: map[string]any{"X": "b"}})
	if third.Nodes["fit"].CachedFrom != "" || third.Nodes["below"].CachedFrom != "" || third.Nodes["pure"].CachedFrom != "r1" {
		t.Errorf("a config value changed: fit %q, below %q, pure %q", third.Nodes["fit"].CachedFrom, third.Nodes["below"].CachedFrom, third.Nodes["pure"].CachedFrom)
	}

	calls.Store(0)
	fourth := run(engine.Options{RunID: "r4", NoCache: true})
	if n := calls.Load(); n != 6 || fourth.Nodes["fit"].CachedFrom != "" {
		t.Errorf("NoCache: %d calls (want 6), fit cached from %q", n, fourth.Nodes["fit"].CachedFrom)
	}
	fifth := run(engine.Options{RunID: "r5"})
	if fifth.Nodes["fit"].CachedFrom != "r4" {
		t.Errorf("after NoCache: cached from %q, want r4 (it still stores)", fifth.Nodes["fit"].CachedFrom)
	}

	// A corrupt entry is a miss: the node runs and stores anew.
	entries, _ := filepath.Glob(filepath.Join(dir, "cache", "*", "*.entry"))
	for _, e := range entries {
		os.WriteFile(e, []byte("garbage"), 0o600)
	}
	calls.Store(0)
	sixth := run(engine.Options{RunID: "r6"})
	if n := calls.Load(); n != 6 || sixth.Nodes["fit"].CachedFrom != "" {
		t.Errorf("corrupt entries: %d calls (want 6), cached from %q", n, sixth.Nodes["fit"].CachedFrom)
	}
	if again := run(engine.Options{RunID: "r7"}); again.Nodes["fit"].CachedFrom != "r6" {
		t.Errorf("after corrupt entries: cached from %q, want r6", again.Nodes["fit"].CachedFrom)
	}

	// Without a cache directory nothing is cached.
	calls.Store(0)
	rec, _ := eng.Run(context.Background(), plan, engine.Options{})
	if n := calls.Load(); n != 6 || rec.Nodes["fit"].CachedFrom != "" {
		t.Errorf("no CacheDir: %d calls, cached from %q", n, rec.Nodes["fit"].CachedFrom)
	}
}

func TestCacheValidate(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	for _, name := range []string{"exec", "python"} {
		info, _ := modules.Default.Lookup(name)
		reg.Register(*info)
	}
	reg.Register(modules.Info{Name: "save", Inputs: []modules.Field{{Name: "model", Type: modules.String, Writes: true}}, New: func() modules.Module { return nil }})
	t.Chdir(t.TempDir())
	os.WriteFile("run.py", []byte("print(1)\n"), 0o644)
	os.WriteFile("m.json", []byte("{}"), 0o644)
	os.WriteFile("models.yaml", []byte("nodes:\n  load: {module: save, with: {model: m.json}}\n  new: {module: save, with: {model: new.json}}\n"), 0o644)
	os.Mkdir("sub", 0o755)
	os.WriteFile("sub/b.sh", []byte("echo\n"), 0o644)
	os.WriteFile("sub/step.py", []byte("def main():\n    return {}\n"), 0o644)
	os.WriteFile("sub/child.yaml", []byte("nodes:\n  step: {module: python, with: {path: sub/step.py}}\n  sh: {module: exec, with: {command: sh b.sh, dir: sub}}\n"), 0o644)
	os.WriteFile("sub/mid.yaml", []byte("nodes:\n  inner: {module: pipeline, with: {file: child.yaml}}\n"), 0o644)
	for _, tc := range []struct {
		name, src string
		want      string // "" for a plan without diagnostics
		severity  schema.Severity
	}{
		{"effects", "nodes:\n  s:\n    module: serve\n    cache: true\n", "4:12: node s: module serve acts on the world and is never cached", ""},
		{"files without cache", "nodes:\n  s:\n    module: fit\n    files: [a.csv]\n", "4:13: warning: node s is not cached", schema.Warning},
		{"glob matching nothing", "nodes:\n  s:\n    module: fit\n    cache: true\n    files: [none/*.csv]\n", "5:13: warning: files: none/*.csv matches no file", schema.Warning},
		{"not a glob", "nodes:\n  s:\n    module: fit\n    cache: true\n    files: ['[']\n", "is not a glob", ""},
		{"a template", "nodes:\n  s:\n    module: fit\n    cache: true\n    files: ['${{ config.X }}']\n", "files entries take no ${{ }}", ""},
		{"cache not a bool", "nodes:\n  s:\n    module: fit\n    cache: yes please\n", "cache must be a bool", ""},
		{"fine", "nodes:\n  s:\n    module: fit\n    cache: true\n    files: p.yaml\n", "", ""},
		{"a script not in files:", "nodes:\n  s:\n    module: exec\n    cache: true\n    with: {command: [python3, run.py]}\n", "5:12: warning: node s is cached, and its command runs run.py, which its files: do not list", schema.Warning},
		{"a shell script not in files:", "nodes:\n  s:\n    module: exec\n    cache: true\n    with: {command: sh sub/b.sh}\n", "its command runs sub/b.sh", schema.Warning},
		{"a script in files:", "nodes:\n  s:\n    module: exec\n    cache: true\n    files: [sub]\n    with: {command: [python3, run.py, sub/b.sh]}\n", "its command runs run.py", schema.Warning},
		{"scripts in files:", "nodes:\n  s:\n    module: exec\n    cache: true\n    files: ['*.py', sub]\n    with: {command: [python3, run.py, sub/b.sh, missing.py]}\n", "", ""},
		{"a script in dir:", "nodes:\n  s:\n    module: exec\n    cache: true\n    with: {dir: sub, command: sh b.sh}\n", "its command runs sub/b.sh, which its files: do not list", schema.Warning},
		{"a script in dir: in files:", "nodes:\n  s:\n    module: exec\n    cache: true\n    files: [sub/b.sh]\n    with: {dir: sub, command: sh b.sh}\n", "", ""},
		{"a dir: known at run time", "config: {D: sub}\nnodes:\n  s:\n    module: exec\n    cache: true\n    with: {dir: '${{ config.D }}', command: sh run.py}\n", "", ""},
		{"scripts found by **", "nodes:\n  s:\n    module: exec\n    cache: true\n    files: ['**/*.py', '**/*.sh']\n    with: {command: [python3, run.py, sub/b.sh]}\n", "", ""},
		{"** matching nothing", "nodes:\n  s:\n    module: fit\n    cache: true\n    files: ['**/*.csv']\n", "5:13: warning: files: **/*.csv matches no file", schema.Warning},
		{"a pipeline's reads", "nodes:\n  s:\n    module: pipeline\n    cache: true\n    with: {file: sub/mid.yaml}\n", "4:12: warning: node s is cached, and its pipeline's nodes read sub/step.py (s/inner/step), sub/b.sh (s/inner/sh), which its files: do not list", schema.Warning},
		{"a pipeline's reads in files:", "nodes:\n  s:\n    module: pipeline\n    cache: true\n    files: ['sub/**']\n    with: {file: sub/mid.yaml}\n", "", ""},
		{"a model file its pipeline's nodes read", "nodes:\n  s:\n    module: pipeline\n    cache: true\n    with: {file: models.yaml}\n", "its pipeline's nodes read m.json (s/load), which its files: do not list", schema.Warning},
		{"a pipeline node not cached", "nodes:\n  s:\n    module: pipeline\n    with: {file: sub/mid.yaml}\n", "", ""},
		{"a script of a node not cached", "nodes:\n  s:\n    module: exec\n    with: {command: [python3, run.py]}\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile("p.yaml", []byte(tc.src), 0o644)
			plan, err := engine.Load("p.yaml", reg)
			var diags schema.Diagnostics
			if err != nil {
				diags = err.(schema.Diagnostics)
			} else {
				diags = plan.Warnings
			}
			if tc.want == "" {
				if len(diags) > 0 {
					t.Fatalf("diagnostics: %v", diags)
				}
				return
			}
			if len(diags) == 0 || !strings.Contains(diags[0].Error(), tc.want) || diags[0].Severity != tc.severity {
				t.Fatalf("got %v, want %q", diags, tc.want)
			}
		})
	}
}

// A cached foreach's instances are keyed by their own inputs, not by the
// list foreach reads: adding an item to a config list runs that item
// alone, and reordering the list runs none.
func TestCachedForeachKeysByItem(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := t.TempDir()
	plan, err := engine.Parse("p.yaml", []byte(`
name: each
config: {L: "a,b"}
nodes:
  fit: {cache: true, foreach: "${{ split(config.L, \",\") }}", with: {x: "${{ item }}"}}
`), reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		list string
		runs int32
	}{{"a,b", 2}, {"a,b,c", 1}, {"c,b,a", 0}} {
		calls.Store(0)
		rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{Config: map[string]any{"L": tc.list}, CacheDir: dir})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("L=%s: %v %s", tc.list, err, rec.Status)
		}
		if got := calls.Load(); got != tc.runs {
			t.Errorf("L=%s: %d instances ran, want %d", tc.list, got, tc.runs)
		}
	}
}

// Explain does not guess a cached foreach node from its inputs without an
// item: each instance is keyed by its own.
func TestExplainCachedForeach(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := t.TempDir()
	plan, err := engine.Parse("p.yaml", []byte("name: each\nnodes:\n  fit: {cache: true, foreach: [a, b], with: {x: \"${{ item }}\"}}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(reg).Run(context.Background(), plan, engine.Options{CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	ex, err := engine.New(reg).Explain(plan, engine.Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || ex[0].Cache != "decided for each instance at run time" {
		t.Errorf("explain %+v, want the cache decided for each instance", ex)
	}
}

// Explain checks a hit against the node's promises, as the run does: an
// entry stored before a promise it breaks is no hit.
func TestExplainCacheChecksPromises(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := t.TempDir()
	parse := func(src string) *engine.Plan {
		plan, err := engine.Parse("p.yaml", []byte(src), reg)
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
	if _, err := engine.New(reg).Run(context.Background(), parse("name: pr\nnodes:\n  fit: {cache: true, with: {x: a}}\n"), engine.Options{CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	ex, err := engine.New(reg).Explain(parse("name: pr\nnodes:\n  fit: {cache: true, with: {x: a}, outputs: {x: int}}\n"), engine.Options{CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 1 || !strings.Contains(ex[0].Cache, "breaks a promise") {
		t.Errorf("explain %+v, want no hit: the entry breaks the promise", ex)
	}
}

// A node's files: are where its programs run and its modules read: in the
// plan's base directory, not the directory pipe runs in. The key names
// them relative to it, so a project copied elsewhere keeps its cache.
func TestCacheFilesAreInTheBaseDir(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	cache := filepath.Join(t.TempDir(), "cache")
	project := func(data string) string {
		dir := t.TempDir() // not the test's working directory
		os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("nodes:\n  fit:\n    cache: true\n    files: [data.csv, 'in/*.csv']\n    with: {x: a}\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "data.csv"), []byte(data), 0o644)
		os.Mkdir(filepath.Join(dir, "in"), 0o755)
		os.WriteFile(filepath.Join(dir, "in", "b.csv"), []byte("b"), 0o644)
		return dir
	}
	run := func(dir, id string) *engine.Record {
		t.Helper()
		plan, err := engine.LoadWith(filepath.Join(dir, "p.yaml"), reg, engine.LoadOptions{BaseDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Warnings) > 0 {
			t.Errorf("warnings: %v (the files are there, in the base directory)", plan.Warnings)
		}
		rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{RunID: id, CacheDir: cache})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("run: %v %v", err, rec.Status)
		}
		return rec
	}
	a := project("1\n2\n")
	run(a, "r1")
	if got := run(a, "r2").Nodes["fit"].CachedFrom; got != "r1" {
		t.Fatalf("the same files: cached from %q, want r1", got)
	}
	os.WriteFile(filepath.Join(a, "data.csv"), []byte("1\n2\n3\n"), 0o644)
	if got := run(a, "r3").Nodes["fit"].CachedFrom; got != "" {
		t.Errorf("data.csv changed in the base directory, yet the node was cached from %q", got)
	}
	os.WriteFile(filepath.Join(a, "in", "c.csv"), []byte("c"), 0o644)
	if got := run(a, "r4").Nodes["fit"].CachedFrom; got != "" {
		t.Errorf("a file was added to in/*.csv, yet the node was cached from %q", got)
	}
	b := project("1\n2\n3\n")
	os.WriteFile(filepath.Join(b, "in", "c.csv"), []byte("c"), 0o644)
	if got := run(b, "r5").Nodes["fit"].CachedFrom; got != "r4" {
		t.Errorf("a copy of the project elsewhere: cached from %q, want r4", got)
	}
}

// A base directory whose name holds glob syntax ([, *, ?) is matched as
// it is: the files under it are hashed, not missed.
func TestCacheFilesInABaseDirNamedLikeAGlob(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	for _, name := range []string{"proj[1]", "my *dir?", "un[matched", `back\slash`} {
		dir := filepath.Join(t.TempDir(), name)
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("nodes:\n  fit:\n    cache: true\n    files: [data.csv, '*.txt']\n    with: {x: a}\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "data.csv"), []byte("1\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
		cache := filepath.Join(t.TempDir(), "cache")
		run := func(id string) string {
			plan, err := engine.LoadWith(filepath.Join(dir, "p.yaml"), reg, engine.LoadOptions{BaseDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Warnings) > 0 {
				t.Errorf("%s: warnings %v", name, plan.Warnings)
			}
			rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{RunID: id, CacheDir: cache})
			if err != nil {
				t.Fatal(err)
			}
			return rec.Nodes["fit"].CachedFrom
		}
		run("r1")
		os.WriteFile(filepath.Join(dir, "a.txt"), []byte("b"), 0o644)
		if got := run("r2"); got != "" {
			t.Errorf("%s: a.txt changed, yet cached from %q", name, got)
		}
		os.WriteFile(filepath.Join(dir, "data.csv"), []byte("2\n"), 0o644)
		if got := run("r3"); got != "" {
			t.Errorf("%s: data.csv changed, yet cached from %q", name, got)
		}
	}
}

// A cache hit hands on the numbers the node made, bit for bit: NaN, the
// infinities and a negative zero (1/x tells -0 from 0) as well.
func TestCacheKeepsSpecialFloats(t *testing.T) {
	negZero := math.Copysign(0, -1)
	made := map[string]any{"nan": math.NaN(), "inf": math.Inf(1), "ninf": math.Inf(-1), "nzero": negZero,
		"list": []any{negZero, 1.5}}
	var got map[string]any
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "special", Version: "1", New: func() modules.Module {
		return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
			return &modules.Output{Values: made}, nil
		})
	}})
	reg.Register(modules.Info{Name: "take", Inputs: []modules.Field{{Name: "v", Type: modules.Any}}, New: func() modules.Module {
		return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
			got, _ = in.With["v"].(map[string]any)
			return &modules.Output{}, nil
		})
	}})
	const src = `name: s
nodes:
  s: {module: special, cache: true}
  t: {module: take, needs: s, with: {v: "${{ nodes.s.outputs }}"}}
`
	plan, err := engine.Parse("p.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	eng := engine.New(reg)
	for _, id := range []string{"r1", "r2"} {
		got = nil
		rec, err := eng.Run(context.Background(), plan, engine.Options{RunID: id,
			CacheDir: filepath.Join(dir, "cache"), LogDir: filepath.Join(dir, "runs", id)})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("%s: %v %v", id, err, rec.Status)
		}
		if from := rec.Nodes["s"].CachedFrom; id == "r2" && from != "r1" {
			t.Fatalf("r2: cached from %q, want r1", from)
		}
		for k, want := range made {
			if !sameBits(got[k], want) {
				t.Errorf("%s: the next node got outputs.%s = %#v, want %#v", id, k, got[k], want)
			}
		}
	}
}

// sameBits compares floats by their bits (NaN equals NaN, -0 is not 0),
// and lists of them item by item.
func sameBits(got, want any) bool {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && (math.Float64bits(g) == math.Float64bits(w) || math.IsNaN(g) && math.IsNaN(w))
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !sameBits(g[i], w[i]) {
				return false
			}
		}
		return true
	}
	return got == want
}
