package engine_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestCacheFilesANodeWrites: a node whose module may write a file
// (modules.Field.Writes: a model it saves when it is not there, and
// loads when it is) comes from the cache only while the file is as the
// node left it, and is a hit the run after it wrote it.
func TestCacheFilesANodeWrites(t *testing.T) {
	var calls atomic.Int32
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "save", Inputs: []modules.Field{{Name: "model", Type: modules.String, Writes: true}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				calls.Add(1)
				path := in.Path(in.String("model"))
				b, err := os.ReadFile(path)
				if errors.Is(err, fs.ErrNotExist) {
					b = []byte("fitted")
					err = os.WriteFile(path, b, 0o644)
				}
				return &modules.Output{Values: map[string]any{"model": string(b)}}, err
			})
		}})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: w\nnodes:\n  n: {module: save, cache: true, with: {model: m.json}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := engine.LoadWith(filepath.Join(dir, "p.yaml"), reg, engine.LoadOptions{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "m.json")
	for _, step := range []struct {
		name, run string
		before    func()
		from      string // the run it is cached from, "" when it runs
		model     string // its output
	}{
		{"the first run writes the file", "r1", nil, "", "fitted"},
		{"the run after is a hit", "r2", nil, "r1", "fitted"},
		{"the file removed: it runs again", "r3", func() { os.Remove(model) }, "", "fitted"},
		{"and is a hit again", "r4", nil, "r3", "fitted"},
		{"the file edited: it runs on it", "r5", func() { os.WriteFile(model, []byte("custom"), 0o644) }, "", "custom"},
		{"and is a hit on it", "r6", nil, "r5", "custom"},
		{"the file written back as it was", "r7", func() { os.WriteFile(model, []byte("fitted"), 0o644) }, "r3", "fitted"},
	} {
		if step.before != nil {
			step.before()
		}
		calls.Store(0)
		rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{RunID: step.run, CacheDir: filepath.Join(dir, "cache")})
		if err != nil || rec.Status != engine.StatusSuccess {
			t.Fatalf("%s: %v %v", step.name, err, rec.Status)
		}
		n := rec.Nodes["n"]
		if n.CachedFrom != step.from || n.Outputs["model"] != step.model || (calls.Load() == 1) != (step.from == "") {
			t.Errorf("%s: cached from %q, model %q, %d call(s); want from %q, model %q", step.name, n.CachedFrom, n.Outputs["model"], calls.Load(), step.from, step.model)
		}
		if b, err := os.ReadFile(model); err != nil || string(b) != step.model {
			t.Errorf("%s: the file holds %q (%v), want %q", step.name, b, err, step.model)
		}
	}
}
