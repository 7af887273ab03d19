package engine_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// resumeRecord writes rec as pipe run does, reads it back and returns it
// with what pipe run --resume keeps of it (see resumeFrom).
func resumeRecord(t *testing.T, rec *engine.Record) (*engine.Record, map[string]engine.Kept) {
	t.Helper()
	path, err := engine.WriteRecord(t.TempDir(), rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	return back, resumeFrom(t, rec)
}

// registerProgram adds "prog", a module whose programs get the run's
// config in their environment (modules.Info.ProgramEnv), as exec's do.
func registerProgram(reg *modules.Registry) {
	reg.Register(modules.Info{Name: "prog", AnyInputs: true, ProgramEnv: true, New: func() modules.Module {
		return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
			return &modules.Output{Values: map[string]any{"v": 1}}, nil
		})
	}})
}

// A resumed run keeps a node while its definition and the config it reads
// are what they were; a node that is not kept says why, and so do the
// nodes below it, which run again too.
func TestResumeDecidesEachNode(t *testing.T) {
	const base = `
config: {N: 1, MODE: fast, API_TOKEN: t0, ITEMS: "u,v"}
nodes:
  a: {module: echo, with: {x: 1}}
  g: {module: echo, foreach: "${{ split(config.ITEMS, ',') }}", with: {i: "${{ item }}"}}
  r: {module: echo, with: {n: "${{ config.N }}"}}
  w: {module: echo, when: config.MODE != 'slow'}
  p: {module: prog}
  f: {module: echo, foreach: [u, v], with: {item: "${{ item }}"}}
  b: {module: seen, needs: [a, r, w, p, f], with: {fail: FAIL}}
  d: {module: echo, needs: a}
`
	kept := want{engine.StatusSuccess, engine.KeptPrefix + "r0"}
	ran := want{engine.StatusSuccess, ""}
	notKept := func(why string) want { return want{engine.StatusSuccess, engine.NotKeptPrefix + "r0: " + why} }
	for _, tt := range []struct {
		name string
		// src is the pipeline the second run runs: base, with FAIL false,
		// then edited.
		src string
		// config and from are the second run's config and its sources.
		config map[string]any
		from   map[string]string
		// noDefinitions drops the definitions from the first run's
		// record, as an earlier pipe wrote it; force keeps every node.
		noDefinitions, force bool
		want                 map[string]want
	}{
		{name: "the failed node fixed", src: base,
			want: map[string]want{"a": kept, "r": kept, "w": kept, "p": kept, "f[u]": kept, "f[v]": kept, "d": kept, "b": ran}},
		{name: "comments, key order, quoting, style", src: `
# the same, written otherwise
config: {N: 1, MODE: fast, API_TOKEN: t0, ITEMS: "u,v"}
nodes:
  g: {module: echo, foreach: "${{ split(config.ITEMS, ',') }}", with: {i: "${{ item }}"}}
  d: {needs: [a], module: "echo"}   # moved up
  b: {with: {fail: FAIL}, module: seen, needs: [f, p, w, r, a]}
  a:
    with:
      x: 1
    module: echo

  r: {module: echo, with: {n: '${{ config.N }}'}}
  w: {module: echo, when: "config.MODE != 'slow'"}
  p: {module: "prog"}
  f: {module: echo, foreach: ["u", "v"], with: {item: "${{ item }}"}}
`, want: map[string]want{"a": kept, "r": kept, "w": kept, "p": kept, "f[u]": kept, "f[v]": kept, "g[u]": kept, "d": kept}},
		{name: "an input edited", src: replaceOnce(base, "x: 1", "x: 2"),
			want: map[string]want{"a": notKept("its definition changed"), "d": notKept("its need a was not kept"), "r": kept, "p": kept}},
		{name: "a module changed", src: replaceOnce(base, "p: {module: prog}", "p: {module: echo}"),
			want: map[string]want{"p": notKept("its definition changed"), "a": kept}},
		{name: "a when edited", src: replaceOnce(base, "config.MODE != 'slow'", "config.MODE != 'slower'"),
			want: map[string]want{"w": notKept("its definition changed"), "a": kept}},
		{name: "a need added", src: replaceOnce(base, "needs: a}", "needs: [a, r]}"),
			want: map[string]want{"d": notKept("its definition changed"), "a": kept}},
		{name: "a foreach's input edited", src: replaceOnce(base, `item: "${{ item }}"`, `item: "x${{ item }}"`),
			want: map[string]want{"f[u]": notKept("its definition changed"), "f[v]": notKept("its definition changed"), "a": kept}},
		{name: "a node added", src: base + "  z: {module: echo, needs: a}\n",
			want: map[string]want{"z": ran, "a": kept, "d": kept}},
		{name: "timeout and retries changed", src: replaceOnce(base, "x: 1}}", "x: 1}, timeout: 5m, retries: 2, description: more}"),
			want: map[string]want{"a": kept}},
		{name: "config read by an input changed", src: base, config: map[string]any{"N": 2},
			want: map[string]want{"r": notKept("what it reads changed: config N (2, was 1)"), "a": kept, "w": kept, "f[u]": kept,
				"p": notKept("its program's environment changed: config N (2, was 1)")}},
		// An instance whose item is the same is the instance that ran
		// (TestResumeRunsAgainWhatReadsAChangedSecretOrFile checks it
		// to the reason).
		{name: "config read by a foreach changed", src: base, config: map[string]any{"ITEMS": "u,v,w"},
			want: map[string]want{"g[u]": kept, "g[w]": ran, "a": kept, "f[u]": kept}},
		{name: "config read by when changed", src: base, config: map[string]any{"MODE": "quick"},
			want: map[string]want{"w": notKept("what it reads changed: config MODE (quick, was fast)"), "r": kept, "a": kept}},
		{name: "a secret's source changed", src: base, config: map[string]any{"API_TOKEN": "t1"}, from: map[string]string{"API_TOKEN": "--set"},
			want: map[string]want{"p": notKept("its program's environment changed: secret API_TOKEN (now from --set, was from default)"), "r": kept}},
		{name: "a record without definitions", src: replaceOnce(base, "x: 1", "x: 2"), noDefinitions: true,
			want: map[string]want{"a": kept, "d": kept}},
		{name: "force", src: replaceOnce(base, "x: 1", "x: 2"), config: map[string]any{"N": 2}, force: true,
			want: map[string]want{"a": kept, "r": kept, "p": kept, "d": kept}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			var s seen
			s.register(tm.reg)
			registerProgram(tm.reg)
			first := tm.run(t, replaceOnce(base, "FAIL", "true"), engine.Options{RunID: "r0"})
			back, keep := resumeRecord(t, first)
			config := map[string]any{"N": 1, "MODE": "fast", "API_TOKEN": "t0", "ITEMS": "u,v"}
			maps.Copy(config, tt.config)
			opts := engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config, Config: config, ConfigFrom: tt.from}
			for id, k := range keep {
				if k.Definition == "" && first.Nodes[id].Items == nil {
					t.Errorf("node %s succeeded, and its record has no definition", id)
				}
				if tt.noDefinitions || tt.force {
					k.Definition = ""
					keep[id] = k
				}
			}
			if tt.force {
				opts.KeptConfig = nil
			}
			rec := tm.run(t, replaceOnce(tt.src, "FAIL", "false"), opts)
			check(t, rec, engine.StatusSuccess, tt.want)
			for id, w := range tt.want {
				if w == ran && rec.Nodes[id].Reason != "" {
					t.Errorf("node %s ran with reason %q, want none", id, rec.Nodes[id].Reason)
				}
			}
		})
	}
}

// A kept pipeline node keeps its sub-pipeline's records while the
// sub-pipeline's file says the same; an edit to it runs the node again,
// and a comment does not.
func TestResumeOfAPipelineNodeReadsItsSubPipeline(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const sub = "config: {L: x}\nnodes:\n  fetch: {module: echo, with: {league: \"${{ config.L }}\"}}\n"
	write("sub.yaml", sub)
	main := func(fail string) string {
		return "nodes:\n  s: {module: pipeline, with: {file: sub.yaml}}\n  b: {module: fail, needs: s, when: '" + fail + "'}\n"
	}
	tm := newTestModules(t)
	run := func(src string, opts engine.Options) *engine.Record {
		t.Helper()
		write("main.yaml", src)
		plan, err := engine.Load(filepath.Join(dir, "main.yaml"), tm.reg)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := engine.New(tm.reg).Run(context.Background(), plan, opts)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	first := run(main("true"), engine.Options{RunID: "r0"})
	back, keep := resumeRecord(t, first)
	k := keep["s"] // as pipe run --resume does: its children go with it
	k.Children = map[string]*engine.NodeRecord{"fetch": back.Nodes["s/fetch"]}
	keep["s"] = k
	opts := engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config}
	write("sub.yaml", "# a comment\n"+sub)
	rec := run(main("false"), opts)
	check(t, rec, engine.StatusSuccess, map[string]want{"s": {engine.StatusSuccess, engine.KeptPrefix + "r0"}, "s/fetch": {engine.StatusSuccess, ""}})
	write("sub.yaml", replaceOnce(sub, "{L: x}", "{L: y}"))
	rec = run(main("false"), opts)
	check(t, rec, engine.StatusSuccess, map[string]want{"s": {engine.StatusSuccess, engine.NotKeptPrefix + "r0: its definition changed"}})
	if got := rec.Nodes["s/fetch"].Outputs["league"]; got != "y" {
		t.Errorf("s/fetch gave %v, want y", got)
	}
}

// replaceOnce replaces the first old in s with new; old must be there.
func replaceOnce(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("no " + old + " in " + s)
	}
	return strings.Replace(s, old, new, 1)
}
