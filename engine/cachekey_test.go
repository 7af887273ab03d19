package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
)

// TestCacheKey: each ingredient of a node's key changes it, and what is
// not an ingredient does not.
func TestCacheKey(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	registry := func(version string) *modules.Registry {
		reg := modules.NewRegistry()
		reg.Register(modules.Info{Name: "fit", Version: version, AnyInputs: true,
			Inputs: []modules.Field{{Name: "data", Type: modules.String, Files: true}},
			New:    func() modules.Module { return nil }})
		return reg
	}
	const src = `
config: {FLAG: true, OTHER: 1}
nodes:
  n:
    module: fit
    cache: true
    when: config.FLAG
    files: [in/*.csv]
`
	type input struct {
		version string
		with    map[string]any
		config  map[string]any
		setup   func()
	}
	base := func() input {
		return input{version: "1", with: map[string]any{"x": 3, "m": map[string]any{"a": 1, "b": "two"}, "data": "train.csv"},
			config: map[string]any{"FLAG": true, "OTHER": 1}}
	}
	key := func(in input) string {
		t.Helper()
		write("in/a.csv", "a,1\n")
		write("train.csv", "x,y\n")
		os.Remove("in/b.csv")
		if in.setup != nil {
			in.setup()
		}
		plan, err := Parse("p.yaml", []byte(src), registry(in.version))
		if err != nil {
			t.Fatal(err)
		}
		ings, err := plan.ingredients(context.Background(), 0, in.with, in.config, nil)
		if err != nil {
			t.Fatal(err)
		}
		return cachestore.Key(ings)
	}
	want := key(base())
	for _, tc := range []struct {
		name   string
		change func(*input)
		same   bool
	}{
		{"nothing", func(*input) {}, true},
		{"module version", func(in *input) { in.version = "2" }, false},
		{"an input", func(in *input) { in.with["x"] = 4 }, false},
		{"an input inside a map", func(in *input) { in.with["m"].(map[string]any)["a"] = 2 }, false},
		{"a new input", func(in *input) { in.with["y"] = nil }, false},
		{"an int as a float", func(in *input) { in.with["x"] = 3.0 }, true},
		{"a config key the node reads", func(in *input) { in.config["FLAG"] = false }, false},
		{"a config key it does not read", func(in *input) { in.config["OTHER"] = 2 }, true},
		{"a file of files:", func(in *input) { in.setup = func() { write("in/a.csv", "a,2\n") } }, false},
		{"a new file for a glob", func(in *input) { in.setup = func() { write("in/b.csv", "b\n") } }, false},
		{"a file another glob matches", func(in *input) { in.setup = func() { write("in/b.txt", "b\n") } }, true},
		{"the file a Files input names", func(in *input) { in.setup = func() { write("train.csv", "x,z\n") } }, false},
		{"another file a Files input names", func(in *input) { in.with["data"] = "in/a.csv" }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := base()
			tc.change(&in)
			if got := key(in); (got == want) != tc.same {
				t.Errorf("key changed: %v, want %v", got != want, !tc.same)
			}
		})
	}
}

func TestCacheKeyFilesInputs(t *testing.T) {
	t.Chdir(t.TempDir())
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "fit", Inputs: []modules.Field{{Name: "data", Type: modules.String, Files: true}},
		New: func() modules.Module { return nil }})
	plan, err := Parse("p.yaml", []byte("nodes:\n  n: {module: fit, cache: true}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll("d/sub", 0o755)
	os.WriteFile("d/sub/x.csv", []byte("1"), 0o644)
	for _, tc := range []struct {
		data  string
		files []string
	}{
		{"https://example.org/x.csv", nil},
		{"synthetic", nil},
		{"d", []string{"file:d/sub/x.csv"}},
		{"d/*/x.csv", []string{"file:d/sub/x.csv"}},
	} {
		ings, err := plan.ingredients(context.Background(), 0, map[string]any{"data": tc.data}, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.data, err)
		}
		var files []string
		for _, in := range ings {
			if len(in.Name) > 5 && in.Name[:5] == "file:" {
				files = append(files, in.Name)
			}
		}
		if len(files) != len(tc.files) || (len(files) > 0 && files[0] != tc.files[0]) {
			t.Errorf("data %s: files %v, want %v", tc.data, files, tc.files)
		}
	}
}

// Links under files: neither fail the key nor pull in what the files did
// not name: a link to a directory (a virtualenv's lib64 -> lib) or to
// nothing counts as its target's name, a link to a file as the file; a
// directory named through a link is walked.
func TestFileIngredientsLinks(t *testing.T) {
	t.Chdir(t.TempDir())
	os.MkdirAll("proj/lib", 0o755)
	os.WriteFile("proj/lib/a.py", []byte("v1"), 0o644)
	for _, link := range [][2]string{{"lib", "proj/lib64"}, {"gone", "proj/dangling"}, {"lib/a.py", "proj/a_link.py"}, {"proj/lib", "libdir"}} {
		if err := os.Symlink(link[0], link[1]); err != nil {
			t.Skip("no symbolic links here:", err)
		}
	}
	key := func() map[string]string {
		t.Helper()
		ings, err := fileIngredients(context.Background(), "", []string{"proj", "libdir"})
		if err != nil {
			t.Fatalf("fileIngredients: %v", err)
		}
		out := map[string]string{}
		for _, in := range ings {
			out[in.Name] = in.Digest
		}
		return out
	}
	first := key()
	for _, name := range []string{"file:proj/lib/a.py", "file:proj/lib64", "file:proj/dangling", "file:proj/a_link.py", "file:libdir/a.py"} {
		if first[name] == "" {
			t.Errorf("no ingredient %s in %v", name, first)
		}
	}
	os.WriteFile("proj/lib/a.py", []byte("v2"), 0o644)
	second := key()
	for name, changed := range map[string]bool{"file:proj/lib/a.py": true, "file:proj/a_link.py": true, "file:libdir/a.py": true, "file:proj/lib64": false} {
		if (first[name] != second[name]) != changed {
			t.Errorf("%s changed %v with a.py, want %v", name, first[name] != second[name], changed)
		}
	}
	os.Remove("proj/dangling")
	os.Symlink("elsewhere", "proj/dangling")
	if third := key(); third["file:proj/dangling"] == second["file:proj/dangling"] {
		t.Error("a link pointed elsewhere kept its digest")
	}
}

// A list of node ids splits at its commas, not at those of an instance's
// key (a matrix names its instances fit[england,elo]).
func TestSplitIDs(t *testing.T) {
	for raw, want := range map[string][]string{
		"a,b":                     {"a", "b"},
		"fit[england,elo]":        {"fit[england,elo]"},
		"fit[england,elo],report": {"fit[england,elo]", "report"},
		"":                        {""},
		"a]b,c":                   {"a]b", "c"},
	} {
		if got := splitIDs(raw); !slices.Equal(got, want) {
			t.Errorf("splitIDs(%q) = %q, want %q", raw, got, want)
		}
	}
}

// TestCacheKeyProgramEnv: the key of a node whose module hands its
// programs the run's environment (Info.ProgramEnv) holds every config
// value and .env extra in it, once each; another module's does not.
func TestCacheKeyProgramEnv(t *testing.T) {
	reg := modules.NewRegistry()
	for _, name := range []string{"prog", "fit"} {
		reg.Register(modules.Info{Name: name, ProgramEnv: name == "prog", AnyInputs: true, New: func() modules.Module { return nil }})
	}
	plan, err := Parse("p.yaml", []byte(`
config: {N: 1, READ: a}
nodes:
  prog: {cache: true, with: {x: "${{ config.READ }}"}}
  fit: {cache: true, with: {x: 1}}
`), reg)
	if err != nil {
		t.Fatal(err)
	}
	key := func(node int, config map[string]any, extras map[string]string) (string, []cachestore.Ingredient) {
		t.Helper()
		env, _ := moduleEnv(plan, config, extras)
		envIngs, err := plan.envIngredients(config, env)
		if err != nil {
			t.Fatal(err)
		}
		ings, err := plan.ingredients(context.Background(), node, map[string]any{"x": config["READ"]}, config, envIngs)
		if err != nil {
			t.Fatal(err)
		}
		return cachestore.Key(ings), ings
	}
	cfg := func(n any) map[string]any { return map[string]any{"N": n, "READ": "a", DangerKey: false} }
	prog := slices.IndexFunc(plan.nodes, func(pn planNode) bool { return pn.ID == "prog" })
	fit := slices.IndexFunc(plan.nodes, func(pn planNode) bool { return pn.ID == "fit" })
	want, ings := key(prog, cfg(1), map[string]string{"EXTRA": "e"})
	names := map[string]int{}
	for _, in := range ings {
		names[in.Name]++
	}
	if names["config.N"] != 1 || names["config.READ"] != 1 || names["env.EXTRA"] != 1 {
		t.Errorf("ingredients: %v", ings)
	}
	for i := 0; i < 20; i++ { // one config.READ whichever way it sorts
		if got, _ := key(prog, cfg(1), map[string]string{"EXTRA": "e"}); got != want {
			t.Fatal("the same run gives another key")
		}
	}
	if got, _ := key(prog, cfg(5), map[string]string{"EXTRA": "e"}); got == want {
		t.Error("config N changed: prog's key did not")
	}
	if got, _ := key(prog, cfg(1), map[string]string{"EXTRA": "f"}); got == want {
		t.Error(".env extra changed: prog's key did not")
	}
	fitWant, _ := key(fit, cfg(1), map[string]string{"EXTRA": "e"})
	if got, _ := key(fit, cfg(5), map[string]string{"EXTRA": "f"}); got != fitWant {
		t.Error("fit, which gets no environment: its key changed with N and EXTRA")
	}
}
