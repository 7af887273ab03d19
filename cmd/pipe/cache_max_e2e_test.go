package main

import (
	"path/filepath"
	"testing"
)

// --cache-max 0 is no limit, as ccache -M 0: every entry stays; 1B keeps
// none.
func TestCacheMaxZeroIsNoLimit(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  a: {module: exec, cache: true, with: {command: 'echo a'}}\n  b: {module: exec, cache: true, with: {command: 'echo b'}}\n"})
	entries := func() int {
		found, _ := filepath.Glob(filepath.Join(dir, ".pipe/cache/nodes/*/*.entry"))
		return len(found)
	}
	for _, tt := range []struct {
		max  string
		want int
	}{{"0", 2}, {"0MiB", 2}, {"1B", 0}} {
		if r := pipeIn(t, dir, nil, "run", "p.yaml", "--no-cache", "--cache-max", tt.max); r.code != 0 {
			t.Fatalf("--cache-max %s: exit %d\n%s", tt.max, r.code, r.stderr)
		}
		if got := entries(); got != tt.want {
			t.Errorf("--cache-max %s left %d entries, want %d", tt.max, got, tt.want)
		}
	}
}
