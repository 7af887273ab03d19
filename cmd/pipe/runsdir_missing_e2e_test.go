package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A --runs-dir that does not exist is said to be missing by every command
// that reads runs, not to "hold no runs" (the user would look for why).
func TestMissingRunsDirIsSaidMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"show", "last"}, 1},
		{[]string{"show", "2026"}, 1},
		{[]string{"logs", "last"}, 1},
		{[]string{"runs"}, 0},
		{[]string{"graph", "pipelines/example.yaml", "--run", "last"}, 1},
		{[]string{"run", "pipelines/example.yaml", "--resume", "last", "--dry-run"}, 1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := pipe(t, append(tt.args, "--runs-dir", missing)...)
			if r.code != tt.code || !strings.Contains(r.stderr, missing+" does not exist") || strings.Contains(r.stderr, "holds no") {
				t.Errorf("exit %d, want %d and %s said not to exist\n%s", r.code, tt.code, missing, r.stderr)
			}
		})
	}
}
