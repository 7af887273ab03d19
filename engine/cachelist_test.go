package engine_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

func TestCacheEntryIs(t *testing.T) {
	tests := []struct {
		name  string
		entry engine.CacheEntry
		id    string
		want  bool
	}{
		{"the node", engine.CacheEntry{Node: "fit", Run: "r1"}, "fit", true},
		{"another node", engine.CacheEntry{Node: "fit", Run: "r1"}, "fi", false},
		{"an instance of a foreach node", engine.CacheEntry{Node: "fit[a]", Run: "r1"}, "fit", true},
		{"that instance", engine.CacheEntry{Node: "fit[a]", Run: "r1"}, "fit[a]", true},
		{"another instance", engine.CacheEntry{Node: "fit[a]", Run: "r1"}, "fit[b]", false},
		{"a node whose id the other's starts with", engine.CacheEntry{Node: "fit_all", Run: "r1"}, "fit", false},
		{"a sub-pipeline's node, by its id", engine.CacheEntry{Node: "leaf", Run: "r1/sub"}, "leaf", true},
		{"a sub-pipeline's node, as the run names it", engine.CacheEntry{Node: "leaf", Run: "r1/sub"}, "sub/leaf", true},
		{"a sub-pipeline's node, by its pipeline node", engine.CacheEntry{Node: "leaf", Run: "r1/sub"}, "sub", false},
		{"a node in a sub-pipeline's foreach", engine.CacheEntry{Node: "leaf[x]", Run: "r1/sub[a]/inner"}, "sub[a]/inner/leaf", true},
		{"an unreadable entry", engine.CacheEntry{Key: "ab", Unreadable: "cut short"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.entry.Is(tt.id); got != tt.want {
				t.Errorf("%+v.Is(%q) = %v, want %v", tt.entry, tt.id, got, tt.want)
			}
		})
	}
}

// TestRemoveCacheEntries: removed entries are misses for the next run, the
// others still hits, and explain says of a cleared node that it has no
// earlier entry, not what changed since one that is gone.
func TestRemoveCacheEntries(t *testing.T) {
	var calls atomic.Int32
	reg := cacheModules(&calls)
	dir := filepath.Join(t.TempDir(), "cache")
	plan, err := engine.Parse("p.yaml", []byte("name: two\nnodes:\n  fit: {cache: true, with: {x: z}}\n  each: {module: fit, cache: true, foreach: [a, b], with: {x: \"${{ item }}\"}}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		calls.Store(0)
		if _, err := engine.New(reg).Run(context.Background(), plan, engine.Options{CacheDir: dir}); err != nil {
			t.Fatal(err)
		}
	}
	run()
	entries, err := engine.CacheEntries(dir)
	if err != nil || len(entries) != 3 {
		t.Fatalf("%d entries, %v; want 3", len(entries), err)
	}
	for k := 1; k < len(entries); k++ {
		if entries[k].LastUsed.After(entries[k-1].LastUsed) {
			t.Errorf("not the most recently used first: %+v", entries)
		}
	}
	var each, fit []engine.CacheEntry
	for _, e := range entries {
		if e.Pipeline != "two" || e.Size == 0 {
			t.Errorf("entry %+v", e)
		}
		if e.Is("each") {
			each = append(each, e)
		}
		if e.Is("fit") {
			fit = append(fit, e)
		}
	}
	if len(each) != 2 || len(fit) != 1 {
		t.Fatalf("entries of each: %d, of fit: %d", len(each), len(fit))
	}
	explainFit := func() string {
		t.Helper()
		ex, err := engine.New(reg).Explain(plan, engine.Options{CacheDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return ex[0].Cache
	}
	removed, freed, err := engine.RemoveCacheEntries(dir, fit, false)
	if err != nil || removed != 1 || freed != fit[0].Size {
		t.Errorf("removed %d (%d bytes), %v; want 1 (%d)", removed, freed, err, fit[0].Size)
	}
	if removed, _, err := engine.RemoveCacheEntries(dir, fit, false); removed != 0 || err != nil {
		t.Errorf("removed again: %d, %v", removed, err)
	}
	if got := explainFit(); got != "not cached: no earlier entry" {
		t.Errorf("explain of fit, cleared: %q", got)
	}
	run()
	if n := calls.Load(); n != 1 {
		t.Errorf("after clearing fit: %d calls, want fit's alone", n)
	}
	all, _ := engine.CacheEntries(dir)
	if removed, _, err := engine.RemoveCacheEntries(dir, all, true); removed != 3 || err != nil {
		t.Errorf("clearing all: removed %d, %v", removed, err)
	}
	if got := explainFit(); got != "not cached: no earlier entry" {
		t.Errorf("explain of fit after clearing all: %q", got)
	}
	run()
	if n := calls.Load(); n != 3 {
		t.Errorf("after clearing all: %d calls, want 3", n)
	}
}
