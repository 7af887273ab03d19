package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// explain's CACHE column names a new file once (not again as "files X"),
// and cuts a long list of changes; --json carries every change, in the
// text and as a list.
func TestExplainCacheChanges(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p.yaml": "name: p\nnodes:\n  a: {module: exec, cache: true, files: [w.txt, x.txt, y.txt, z.txt], with: {command: 'echo hi'}}\n",
		"w.txt":  "1", "x.txt": "1", "y.txt": "1", "z.txt": "1",
	})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("pipe run: exit %d\n%s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte("name: p\nnodes:\n  a: {module: exec, cache: true, files: [v.txt, w.txt, x.txt, y.txt, z.txt], with: {command: 'echo hi'}}\n"), 0o644)
	for _, f := range []string{"v.txt", "w.txt", "x.txt", "y.txt", "z.txt"} {
		os.WriteFile(filepath.Join(dir, f), []byte("2"), 0o644)
	}
	all := []string{"file v.txt is new", "file w.txt changed", "file x.txt changed", "file y.txt changed", "file z.txt changed"}
	table := pipeIn(t, dir, nil, "explain", "p.yaml")
	if want := "not cached: file v.txt is new, file w.txt changed, file x.txt changed and 2 more\n"; !strings.Contains(table.stdout, want) || strings.Contains(table.stdout, "files ") {
		t.Errorf("explain:\n%s\nwant %q", table.stdout, want)
	}
	r := pipeIn(t, dir, nil, "explain", "p.yaml", "--json")
	var ex []struct {
		Cache        string   `json:"cache"`
		CacheChanges []string `json:"cache_changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ex); err != nil || len(ex) != 1 {
		t.Fatalf("explain --json: %v\n%s", err, r.stdout)
	}
	if want := "not cached: " + strings.Join(all, ", "); ex[0].Cache != want || !slices.Equal(ex[0].CacheChanges, all) {
		t.Errorf("explain --json: cache %q, changes %q\nwant %q, %q", ex[0].Cache, ex[0].CacheChanges, want, all)
	}
}
