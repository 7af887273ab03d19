package engine_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// What a worker reads from its own checkout to run each node: the
// pipeline files under a pipeline node, however deep, and the code the
// nodes run, named as the worker finds them (relative to the run's base
// directory); data files and paths known only at run time are not.
func TestWorkerReads(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"p.yaml": `name: p
nodes:
  sub: {module: pipeline, with: {file: subs/sub.yaml}}
  fit: {module: python, with: {path: fit.py}}
  count: {module: exec, with: {command: [sh, count.sh, data.csv]}}
  later: {module: python, with: {path: "${{ 'fit.py' }}"}}
  say: {module: echo, with: {message: hi}}
`,
		"subs/sub.yaml": `name: sub
nodes:
  deeper: {module: pipeline, with: {file: deeper.yaml}}
  train: {module: python, with: {path: train.py}}
`,
		"subs/deeper.yaml": "name: deeper\nnodes:\n  say: {module: echo, with: {message: hi}}\n",
		"fit.py":           "def main():\n    return {}\n",
		"train.py":         "def main():\n    return {}\n",
		"count.sh":         "wc -l \"$1\"\n",
		"data.csv":         "a\n1\n",
	}
	for name, text := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := engine.Load(filepath.Join(dir, "p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for id, reads := range plan.WorkerReads() {
		for _, r := range reads {
			got[id] = append(got[id], r.Name)
			if r.Path != filepath.Join(dir, filepath.FromSlash(r.Name)) {
				t.Errorf("%s: %s is at %s here, want it under %s", id, r.Name, r.Path, dir)
			}
		}
		slices.Sort(got[id])
	}
	want := map[string][]string{
		"sub":   {"subs/deeper.yaml", "subs/sub.yaml", "train.py"},
		"fit":   {"fit.py"},
		"count": {"count.sh"},
	}
	for _, id := range []string{"sub", "fit", "count", "later", "say"} {
		if !slices.Equal(got[id], want[id]) {
			t.Errorf("node %s: a worker reads %q, want %q", id, got[id], want[id])
		}
	}
}
