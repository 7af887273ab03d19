package engine_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A config key named as a variable shells set (PWD, HOME, USER...) takes
// the environment's value over its default: validate warns at the key.
// Other keys, a lower-case pwd (environment names are case-sensitive)
// and a sub-pipeline's keys, which the environment does not reach, are
// not warned of.
func TestConfigKeyNamedAsShellVariable(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"p.yaml":   "config:\n  PWD: data\n  N: 1\n  pwd: x\n  HOME: /srv\nnodes:\n  s:\n    module: pipeline\n    with: {file: sub.yaml}\n",
		"sub.yaml": "config:\n  USER: me\nnodes:\n  x: {module: echo}\n",
	})
	plan, err := engine.Load(filepath.Join(dir, "p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range plan.Warnings {
		got = append(got, filepath.Base(w.Error()))
	}
	want := []string{
		"p.yaml:2:3: warning: config key PWD is also an environment variable that shells set: pipe run takes $PWD, where it is set, over this default",
		"p.yaml:5:3: warning: config key HOME is also an environment variable that shells set: pipe run takes $HOME, where it is set, over this default",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(plan.Warnings) > 0 && plan.Warnings[0].Hint != "rename the key (APP_PWD, say): every config key reads the environment variable of its name" {
		t.Errorf("hint %q", plan.Warnings[0].Hint)
	}
	// Run on its own, sub.yaml is the pipeline that is run.
	sub, err := engine.Load(filepath.Join(dir, "sub.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Warnings) != 1 || !strings.Contains(sub.Warnings[0].Message, "config key USER") {
		t.Errorf("sub.yaml alone: warnings %v, want one of USER", sub.Warnings)
	}
}
