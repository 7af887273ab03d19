package main

import (
	"strings"
	"testing"
)

// validate takes --json as run, explain, runs and show do; a quiet flag
// gets how validate is made quiet, not "-h"; a quoted pattern
// ('p/*.yaml', as CI files write it) is expanded as a shell would, and
// one that matches nothing is a problem that says so.
func TestValidateFlagsAndPatterns(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p/a.yaml": "name: a\nnodes:\n  x: {module: echo}\n",
		"p/b.yaml": "name: b\nnodes:\n  y: {module: echo}\n  z: {module: echo}\n",
		"p/c.yml":  "name: c\nnodes:\n  x: {module: nope}\n",
	})
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string // what they hold
	}{
		{"--json", []string{"--json", "p/a.yaml"}, 0, "[]", ""},
		{"--json with a problem", []string{"--json", "p/c.yml"}, 1, `"message": "unknown module`, ""},
		{"--json against --format text", []string{"--json", "--format", "text", "p/a.yaml"}, 2, "", "--json and --format text disagree"},
		{"-q", []string{"-q", "p/a.yaml"}, 2, "", "unknown flag -q: validate prints problems on stderr and one `ok FILE` line per good file on stdout"},
		{"--quiet", []string{"--quiet", "p/a.yaml"}, 2, "", "pipe validate FILE... >/dev/null keeps the problems only"},
		{"a quoted pattern", []string{"p/*.yaml"}, 0, "ok p/a.yaml (1 node)\nok p/b.yaml (2 nodes)\n", ""},
		{"a pattern among files", []string{"p/c.yml", "p/[b]*"}, 1, "ok p/b.yaml (2 nodes)\n", "p/c.yml:3:"},
		{"a pattern that matches nothing", []string{"q/*.yaml", "p/a.yaml"}, 1, "ok p/a.yaml (1 node)\n", "q/*.yaml: no file matches this pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, dir, nil, append([]string{"validate"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q, want %q", r.code, tt.code, r.stdout, tt.stdout, r.stderr, tt.stderr)
			}
		})
	}
}
