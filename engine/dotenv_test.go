package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// writeDir writes files (name -> content) under a new directory and
// returns it.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A pipeline's dotenv files apply in order before --config's, and the
// environment and --set still win: dotenv < later dotenv < --config <
// environment < --set. Paths are relative to the pipeline file's
// directory, wherever pipe runs from.
func TestDotEnvPrecedence(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"sub/p.yaml": "dotenv: [a.env, ../b.env]\nconfig: {A: '', B: '', C: '', D: '', E: '', N: 0}\nnodes:\n  x: {module: echo}\n",
		"sub/a.env":  "A=a\nB=a\nC=a\nD=a\nE=a\nN=1\nEXTRA=a\nHOME=a\n",
		"b.env":      "B=b\nC=b\nD=b\nE=b\nEXTRA=b\nONLY_B=b\n",
		"c.env":      "C=c\nD=c\nE=c\n",
	})
	plan, err := engine.Load(filepath.Join(dir, "sub/p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	environ := func(k string) (string, bool) {
		v, ok := map[string]string{"D": "env", "E": "env", "HOME": "/home/me"}[k]
		return v, ok
	}
	src := engine.ConfigSources{DotEnv: engine.DotEnvFiles(plan.Pipeline), EnvFile: filepath.Join(dir, "c.env"), Environ: environ, Set: []string{"E=set"}}
	if want := []string{filepath.Join(dir, "sub/a.env"), filepath.Join(dir, "b.env")}; !slices.Equal(src.DotEnv, want) {
		t.Fatalf("dotenv files %q, want %q", src.DotEnv, want)
	}
	cfg, from, err := engine.ResolveConfigFrom(plan.Pipeline, src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"A": "a", "B": "b", "C": "c", "D": "env", "E": "set", "N": 1}
	wantFrom := map[string]string{"A": src.DotEnv[0], "B": src.DotEnv[1], "C": src.EnvFile, "D": "environment", "E": "--set", "N": src.DotEnv[0]}
	for k, w := range want {
		if cfg[k] != w || from[k] != wantFrom[k] {
			t.Errorf("config %s = %v from %s, want %v from %s", k, cfg[k], from[k], w, wantFrom[k])
		}
	}
	// The keys it does not declare reach modules' environment the same
	// way: a later file wins, the environment beats every file.
	extras, _, err := engine.EnvFileExtras(plan.Pipeline, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(extras) != 2 || extras["EXTRA"] != "b" || extras["ONLY_B"] != "b" {
		t.Errorf("extras %v, want EXTRA=b ONLY_B=b (and not HOME: the environment sets it)", extras)
	}
}

// A listed file that does not exist is skipped, as go-task does: pipe run
// says so at debug level, pipe validate warns at the entry. One that
// exists and does not parse stops the run, at its line; one that is not a
// file that reads (a directory) too.
func TestDotEnvMissingBadAndUnreadable(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"p.yaml":   "dotenv:\n  - none.env\n  - good.env\n  - bad.env\n  - adir\nconfig: {N: 0}\nnodes:\n  x: {module: echo}\n",
		"good.env": "N=3\n",
		"bad.env":  "# ok\nN=4\nthis is bad\nAPI_KEY=supersecret123\n",
		"adir/x":   "",
	})
	plan, err := engine.Load(filepath.Join(dir, "p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Warnings) != 1 || plan.Warnings[0].Line != 2 || plan.Warnings[0].Col != 5 ||
		!strings.Contains(plan.Warnings[0].Message, "none.env") || !strings.Contains(plan.Warnings[0].Message, "does not exist") {
		t.Errorf("warnings %v, want one at 2:5 that none.env does not exist", plan.Warnings)
	}
	files := engine.DotEnvFiles(plan.Pipeline)
	src := engine.ConfigSources{DotEnv: files[:2]}
	if got := engine.SkippedDotEnv(src); !slices.Equal(got, files[:1]) {
		t.Errorf("skipped %q, want %q", got, files[:1])
	}
	cfg, err := engine.ResolveConfig(plan.Pipeline, src)
	if err != nil || cfg["N"] != 3 {
		t.Errorf("config %v, %v: want N=3 from good.env, none.env skipped", cfg, err)
	}
	for _, tc := range []struct {
		name  string
		files []string
		want  string
	}{
		{"bad line", files[:3], files[2] + ":3:1: not KEY=VALUE"},
		{"a directory", []string{files[3]}, "p.yaml:5:5: dotenv " + files[3] + ": cannot read it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := engine.ConfigSources{DotEnv: tc.files}
			for what, err := range map[string]error{
				"ResolveConfig": second(engine.ResolveConfig(plan.Pipeline, src)),
				"EnvFileExtras": third(engine.EnvFileExtras(plan.Pipeline, src)),
			} {
				// The pipeline names the file: a diagnostic of it, not a usage error.
				var diags schema.Diagnostics
				if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &diags) || errors.Is(err, engine.ErrUsage) {
					t.Errorf("%s: %v, want a diagnostic with %q", what, err, tc.want)
				}
				if err != nil && strings.Contains(err.Error(), "supersecret") {
					t.Errorf("%s quotes the file: %v", what, err)
				}
			}
		})
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }

// A value of the wrong type in a dotenv file is an error at its line.
func TestDotEnvBadValueAtItsLine(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"p.yaml": "dotenv: .env\nconfig: {N: 0}\nnodes:\n  x: {module: echo}\n",
		".env":   "# n\nN=three\n",
	})
	plan, err := engine.Load(filepath.Join(dir, "p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{DotEnv: engine.DotEnvFiles(plan.Pipeline)})
	if want := filepath.Join(dir, ".env") + ":2"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v, want it at %s", err, want)
	}
}

// A sub-pipeline's dotenv is not read: its config is its defaults and
// the node's set. validate says so at the node's file input, and does
// not check its files.
func TestSubPipelineDotEnvIsNotRead(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"parent.yaml": "nodes:\n  s:\n    module: pipeline\n    with: {file: sub.yaml}\n",
		"sub.yaml":    "dotenv: [gone.env]\nconfig: {N: 0}\nnodes:\n  x: {module: echo}\n",
	})
	plan, err := engine.Load(filepath.Join(dir, "parent.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Warnings) != 1 || plan.Warnings[0].Line != 4 || !strings.Contains(plan.Warnings[0].Message, "dotenv of sub.yaml is not read") ||
		!strings.HasSuffix(plan.Warnings[0].File, "parent.yaml") {
		t.Errorf("warnings %v, want one at parent.yaml:4 that sub.yaml's dotenv is not read", plan.Warnings)
	}
	// Run on its own, it is the pipeline that is run: its dotenv is read.
	sub, err := engine.Load(filepath.Join(dir, "sub.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Warnings) != 1 || !strings.Contains(sub.Warnings[0].Message, "gone.env") {
		t.Errorf("warnings %v, want gone.env does not exist", sub.Warnings)
	}
}
