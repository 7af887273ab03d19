package engine_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A resumed run runs again a node whose output would now differ: one
// that reads config otherwise than as config.KEY, one that reads the
// pipeline's description or file, one whose config value changed type
// (or sign), and one that cached, and no longer does, whose file changed.
func TestResumeRunsAgainWhatReadsOtherwise(t *testing.T) {
	kept := want{engine.StatusSuccess, engine.KeptPrefix + "r0"}
	notKept := func(why string) want { return want{engine.StatusSuccess, engine.NotKeptPrefix + "r0: " + why} }
	const src = `name: p
description: first
config: {N: 1, Z: 0.0, S: "1"}
nodes:
  whole: {module: echo, with: {x: "${{ config }}"}}
  listed: {module: echo, with: {x: "${{ [config][0].N }}"}}
  mapped: {module: echo, with: {x: "${{ map([config], #.N) }}"}}
  indexed: {module: echo, with: {x: "${{ config['N'] }}"}}
  z: {module: echo, with: {x: "${{ config.Z }}"}}
  s: {module: echo, with: {x: "${{ config.S }}"}}
  desc: {module: echo, with: {x: "${{ pipeline.description }}"}}
  file: {module: echo, when: "pipeline.file != ''"}
  cached: {module: echo, cache: true, files: [DATA], with: {x: 1}}
  plain: {module: echo, with: {x: 1}}
`
	for _, tt := range []struct {
		name string
		// edit is the second run's file: src edited; file its name;
		// config its config over the defaults; data data.txt's content.
		edit   func(string) string
		file   string
		config map[string]any
		data   string
		want   map[string]want
	}{
		{name: "nothing changed",
			want: map[string]want{"whole": kept, "listed": kept, "mapped": kept, "indexed": kept, "z": kept, "s": kept, "desc": kept, "file": kept, "cached": kept, "plain": kept}},
		{name: "config read whole", config: map[string]any{"N": 5},
			want: map[string]want{"whole": notKept("what it reads changed: config N (5, was 1)"), "listed": notKept("what it reads changed: config N"),
				"mapped": notKept("what it reads changed: config N"), "indexed": notKept("what it reads changed: config N"), "z": kept, "plain": kept}},
		{name: "a number that is a string now", edit: func(s string) string { return replaceOnce(s, `N: 1,`, `N: "1",`) },
			want: map[string]want{"indexed": notKept(`what it reads changed: config N ("1", was 1)`), "z": kept, "plain": kept}},
		{name: "a string that is a number now", edit: func(s string) string { return replaceOnce(s, `S: "1"`, `S: 1`) },
			want: map[string]want{"s": notKept(`what it reads changed: config S (1, was "1")`), "indexed": kept}},
		{name: "-0", config: map[string]any{"Z": math.Copysign(0, -1)},
			want: map[string]want{"z": notKept("what it reads changed: config Z (-0, was 0)"), "indexed": kept}},
		{name: "the description edited", edit: func(s string) string { return replaceOnce(s, "description: first", "description: second") },
			want: map[string]want{"desc": notKept("its definition changed"), "file": notKept("its definition changed"), "plain": kept, "indexed": kept}},
		{name: "the file copied", file: "q.yaml",
			want: map[string]want{"file": notKept("its definition changed"), "desc": notKept("its definition changed"), "plain": kept}},
		{name: "cache off and its file changed", edit: func(s string) string { return replaceOnce(s, "cache: true", "cache: false") }, data: "two",
			want: map[string]want{"cached": notKept(""), "plain": kept}},
		{name: "cache off, its file the same", edit: func(s string) string { return replaceOnce(s, "cache: true", "cache: false") },
			want: map[string]want{"cached": kept, "plain": kept}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			dir := t.TempDir()
			data := filepath.Join(dir, "data.txt")
			first := strings.Replace(src, "DATA", data, 1)
			cache := filepath.Join(dir, "cache")
			run := func(file, src string, opts engine.Options) *engine.Record {
				t.Helper()
				plan, err := engine.Parse(file, []byte(src), tm.reg)
				if err != nil {
					t.Fatal(err)
				}
				opts.CacheDir = cache
				rec, err := engine.New(tm.reg).Run(context.Background(), plan, opts)
				if err != nil {
					t.Fatal(err)
				}
				return rec
			}
			if err := os.WriteFile(data, []byte("one"), 0o644); err != nil {
				t.Fatal(err)
			}
			rec := run("p.yaml", first, engine.Options{RunID: "r0"})
			back, keep := resumeRecord(t, rec)
			second, file := first, "p.yaml"
			if tt.edit != nil {
				second = tt.edit(first)
			}
			if tt.file != "" {
				file = tt.file
			}
			if tt.data != "" {
				if err := os.WriteFile(data, []byte(tt.data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var config map[string]any
			if tt.config != nil {
				plan, err := engine.Parse(file, []byte(second), tm.reg)
				if err != nil {
					t.Fatal(err)
				}
				config = map[string]any{}
				for _, c := range plan.Pipeline.Config {
					config[c.Key] = c.Value
				}
				for k, v := range tt.config {
					config[k] = v
				}
			}
			opts := engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config, KeptRun: back.Resume, Config: config}
			check(t, run(file, second, opts), engine.StatusSuccess, tt.want)
		})
	}
}
