package main

import (
	"strings"
	"testing"
)

// Pipelines without a name share none: `last` of one is a run of the
// same file, never another unnamed pipeline's run.
func TestLastOfUnnamedPipelinesIsByFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"a.yaml": "nodes:\n  a: {module: exec, with: {command: 'echo a'}}\n",
		"b.yaml": "nodes:\n  a: {module: exec, with: {command: 'echo b'}}\n",
	})
	if r := pipeIn(t, dir, nil, "run", "a.yaml"); r.code != 0 {
		t.Fatalf("run a.yaml: exit %d\n%s", r.code, r.stderr)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "b.yaml", "--resume", "last"}, 1, "--resume last: .pipe/runs holds no finished run of b.yaml, a pipeline without a name"},
		{[]string{"graph", "b.yaml", "--run", "last"}, 1, "--run last: .pipe/runs holds no finished run of b.yaml"},
		{[]string{"run", "a.yaml", "--resume", "last"}, 0, "resuming"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := pipeIn(t, dir, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want %d and %q\n%s", r.code, tt.code, tt.want, r.stderr)
			}
		})
	}
}
