package main

import (
	"strings"
	"testing"
)

// pipe validate's snippets never quote a secret's value: not at a YAML
// syntax error on its line (the file does not parse: the key is secret by
// its name), nor at an error the engine finds on a line that holds it
// (the key listed under secrets:).
func TestValidateSnippetsMaskSecrets(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax error", "name: s\nconfig:\n  API_TOKEN: hunter2-secret: x\nnodes:\n  a: {module: echo}\n",
			"    3 |   API_TOKEN: ***: x"},
		{"an expression's error", "name: s\nconfig:\n  DB: hunter2-secret\nsecrets: [DB]\nnodes:\n  a: {module: echo, with: {m: \"hunter2-secret\"}, when: 1}\n",
			"    6 |   a: {module: echo, with: {m: \"***\"}, when: 1}\n      |                                             ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"p.yaml": tt.src})
			r := pipeIn(t, dir, nil, "validate", "p.yaml")
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stdout+r.stderr, "hunter2") {
				t.Errorf("exit %d, want 1 and\n%s\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}
