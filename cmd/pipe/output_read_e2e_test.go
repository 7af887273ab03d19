package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A misspelt output inside a compound `when`, as a user meets it: validate
// cannot know what an exec node's program prints, so it passes; the run
// fails deploy at the misspelt name, naming the outputs check gave, where
// it skipped deploy in silence, the run a success. The same read with a
// default runs.
func TestMisspeltOutputInACompoundWhen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deploy.yaml")
	src := `name: deploy
config: {DEPLOY: true}
nodes:
  check: {module: exec, with: {command: [sh, -c, 'echo "{\"ready\": true}"']}}
  deploy:
    module: echo
    needs: check
    when: "WHEN"
`
	write := func(when string) {
		if err := os.WriteFile(file, []byte(strings.Replace(src, "WHEN", when, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config.DEPLOY && nodes.check.outputs.redy")
	if r := pipe(t, "validate", file); r.code != 0 {
		t.Fatalf("validate: exit %d, want 0 (exec's outputs are known once it runs)\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := pipe(t, "run", file, "--runs-dir", dir)
	want := file + `:8:49: when: config.DEPLOY && nodes.check.outputs.redy: check gave no output redy (it gave outputs ready); did you mean "ready"?; write nodes.check.outputs.redy ?? false if its absence means false`
	if r.code != exitFailed || !strings.Contains(r.stderr+r.stdout, want) {
		t.Errorf("run: exit %d, want 1 and\n%s\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	write("config.DEPLOY && (nodes.check.outputs.redy ?? true)")
	if r := pipe(t, "run", file, "--runs-dir", dir); r.code != 0 || !strings.Contains(r.stdout, "deploy  success") {
		t.Errorf("run with a default: exit %d, want 0 and deploy run\n%s%s", r.code, r.stdout, r.stderr)
	}
}
