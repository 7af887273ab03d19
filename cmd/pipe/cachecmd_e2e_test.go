package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// cacheProject is a directory with the cached pipeline of
// cache_e2e_test.go (p.yaml, name: cached) and its data.
func cacheProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range map[string]string{"p.yaml": cachePipeline, "data.csv": "a\n1\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// cacheList runs pipe cache --json in dir and returns the entries.
func cacheList(t *testing.T, dir string, args ...string) []engine.CacheEntry {
	t.Helper()
	r := pipeIn(t, dir, nil, append([]string{"cache", "--json"}, args...)...)
	var entries []engine.CacheEntry
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || r.code != 0 {
		t.Fatalf("pipe cache --json %v: exit %d, %v\n%s%s", args, r.code, err, r.stdout, r.stderr)
	}
	return entries
}

// TestCacheCommand: pipe cache lists what runs stored, and clear removes
// all of it or a node's, which the next run then runs again.
func TestCacheCommand(t *testing.T) {
	dir := cacheProject(t)

	// No store yet: nothing to list or clear, and no failure.
	if r := pipeIn(t, dir, nil, "cache"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no cache entries in .pipe/cache/nodes") {
		t.Errorf("no store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := cacheList(t, dir); len(got) != 0 {
		t.Errorf("no store, --json: %v", got)
	}
	if r := pipeIn(t, dir, nil, "cache", "clear"); r.code != 0 || r.stdout != "removed 0 entries (0 B)\n" {
		t.Errorf("no store, clear: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	first, _ := runJSON(t, dir)
	r := pipeIn(t, dir, nil, "cache")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "PIPELINE  NODE    RUN") ||
		!strings.HasPrefix(lines[3], "2 entries, ") || !strings.Contains(lines[3], "runs keep it under 256 MiB") {
		t.Fatalf("pipe cache: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, node := range []string{"count", "report"} {
		if !slices.ContainsFunc(lines[1:3], func(l string) bool {
			return strings.Fields(l)[0] == "cached" && strings.Fields(l)[1] == node && strings.Fields(l)[2] == first.ID
		}) {
			t.Errorf("no line of %s, of run %s:\n%s", node, first.ID, r.stdout)
		}
	}
	if r := pipeIn(t, dir, []string{"PIPE_CACHE_MAX=1GiB"}, "cache", "ls"); !strings.Contains(r.stdout, "runs keep it under 1 GiB ($PIPE_CACHE_MAX") {
		t.Errorf("the bound from the environment:\n%s", r.stdout)
	}
	entries := cacheList(t, dir)
	if len(entries) != 2 {
		t.Fatalf("--json: %d entries, want 2", len(entries))
	}
	for _, e := range entries {
		if e.Pipeline != "cached" || e.Run != first.ID || len(e.Key) != 64 || e.Size == 0 || e.LastUsed.IsZero() || e.Created.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	for _, args := range [][]string{{"--pipeline", "cached"}, {"--pipeline", "p.yaml"}, {"count"}} {
		want := 2
		if args[0] == "count" {
			want = 1
		}
		if got := cacheList(t, dir, args...); len(got) != want {
			t.Errorf("pipe cache %v: %d entries, want %d", args, len(got), want)
		}
	}
	if r := pipeIn(t, dir, nil, "cache", "--pipeline", "other"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no cache entries of pipeline other in .pipe/cache/nodes (it has entries of cached)") {
		t.Errorf("another pipeline: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A node of no entry is said, with the nodes that have some.
	if r := pipeIn(t, dir, nil, "cache", "clear", "cuont"); r.code != 0 || !strings.Contains(r.stderr, "no cache entries of node cuont (the store has entries of count, report)") || !strings.HasPrefix(r.stdout, "removed 0 entries") {
		t.Errorf("clear cuont: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// One node's entries: that node runs again, the other does not.
	if r := pipeIn(t, dir, nil, "cache", "rm", "count"); r.code != 0 || !strings.HasPrefix(r.stdout, "removed 1 entry (") || !strings.HasSuffix(r.stdout, "), kept 1\n") {
		t.Errorf("clear count: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if x := pipeIn(t, dir, nil, "explain", "p.yaml"); !strings.Contains(x.stdout, "not cached: no earlier entry") {
		t.Errorf("explain after clearing count:\n%s%s", x.stdout, x.stderr)
	}
	second, r := runJSON(t, dir)
	if second.Nodes["count"].CachedFrom != "" || second.Nodes["report"].CachedFrom != first.ID || !strings.Contains(r.stderr, "[count] counting") {
		t.Errorf("run after clearing count: count cached from %q, report from %q", second.Nodes["count"].CachedFrom, second.Nodes["report"].CachedFrom)
	}

	// Everything.
	if r := pipeIn(t, dir, nil, "cache", "clear"); r.code != 0 || !strings.HasPrefix(r.stdout, "removed 2 entries (") {
		t.Errorf("clear: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := cacheList(t, dir); len(got) != 0 {
		t.Errorf("after clear: %d entries", len(got))
	}
	third, _ := runJSON(t, dir)
	if third.Nodes["count"].CachedFrom != "" || third.Nodes["report"].CachedFrom != "" {
		t.Errorf("run after clear: cached from %q, %q", third.Nodes["count"].CachedFrom, third.Nodes["report"].CachedFrom)
	}

	// prune bounds the store as a run's --cache-max does.
	if r := pipeIn(t, dir, nil, "cache", "prune"); r.code != 0 || !strings.HasPrefix(r.stdout, "removed 0 entries (0 B), kept 2 (") || !strings.HasSuffix(r.stdout, " of 256 MiB)\n") {
		t.Errorf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, []string{"PIPE_CACHE_MAX=1B"}, "cache", "prune"); r.code != 0 || !strings.HasPrefix(r.stdout, "removed 2 entries (") {
		t.Errorf("prune with PIPE_CACHE_MAX=1B: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestCacheCommandUnreadableEntry: an entry a run cannot read is listed
// as such, and cleared with the others.
func TestCacheCommandUnreadableEntry(t *testing.T) {
	dir := cacheProject(t)
	runJSON(t, dir)
	files, _ := filepath.Glob(filepath.Join(dir, ".pipe/cache/nodes/*/*.entry"))
	if len(files) != 2 {
		t.Fatalf("%d entry files, want 2", len(files))
	}
	if err := os.WriteFile(files[0], []byte("pipe-cache-v1\n{\"key\":"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := pipeIn(t, dir, nil, "cache")
	if r.code != 0 || !strings.Contains(r.stdout, "unreadable: cut short in its header") || !strings.Contains(r.stdout, "2 entries") ||
		!strings.Contains(r.stderr, "1 entry cannot be read") {
		t.Errorf("an unreadable entry: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "cache", "clear", "--pipeline", "cached"); !strings.HasPrefix(r.stdout, "removed 1 entry (") {
		t.Errorf("clear --pipeline leaves what it cannot tell is of it: %s%s", r.stdout, r.stderr)
	}
	if r := pipeIn(t, dir, nil, "cache", "clear"); !strings.HasPrefix(r.stdout, "removed 1 entry (") {
		t.Errorf("clear removes the unreadable entry: %s%s", r.stdout, r.stderr)
	}
}

// TestCacheCommandRunsDir: the store is the one beside --runs-dir.
func TestCacheCommandRunsDir(t *testing.T) {
	dir := cacheProject(t)
	runJSON(t, dir, "--runs-dir", "elsewhere/runs")
	if got := cacheList(t, dir, "--runs-dir", "elsewhere/runs"); len(got) != 2 {
		t.Errorf("--runs-dir elsewhere/runs: %d entries, want 2", len(got))
	}
	if _, err := os.Stat(filepath.Join(dir, "elsewhere/cache/nodes")); err != nil {
		t.Errorf("the store is not beside the runs: %v", err)
	}
	if got := cacheList(t, dir); len(got) != 0 {
		t.Errorf("the default runs directory's store: %d entries, want none", len(got))
	}
	if r := pipeIn(t, dir, nil, "cache", "clear", "--runs-dir", "elsewhere/runs", "report"); !strings.HasPrefix(r.stdout, "removed 1 entry") {
		t.Errorf("clear --runs-dir: %s%s", r.stdout, r.stderr)
	}
}

// TestCacheCommandUsage: what pipe cache refuses, and how it says so.
func TestCacheCommandUsage(t *testing.T) {
	dir := cacheProject(t)
	runJSON(t, dir)
	os.WriteFile(filepath.Join(dir, "afile"), nil, 0o644)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a misspelt command", []string{"cache", "clera"}, 2, "cache clera: no such command (list, clear, prune), nor a node with cache entries: did you mean `pipe cache clear`?"},
		{"a command as a node of list", []string{"cache", "list", "prune"}, 2, "did you mean `pipe cache prune`?"},
		{"a node of no entry", []string{"cache", "ls", "cuont"}, 0, "no cache entries of node cuont (the store has entries of count, report)"},
		{"an empty node", []string{"cache", "clear", ""}, 2, "an empty node name: name a node, or none for every entry"},
		{"an empty pipeline (an unset variable)", []string{"cache", "clear", "--pipeline", ""}, 2, "an empty --pipeline: name a pipeline"},
		{"an empty pipeline with =", []string{"cache", "clear", "--pipeline="}, 2, "an empty --pipeline"},
		{"an unknown flag", []string{"cache", "clear", "--all"}, 2, "unknown flag --all"},
		{"a bad size", []string{"cache", "prune", "--max", "lots"}, 2, `--max (or $PIPE_CACHE_MAX): "lots" is not a size`},
		{"a runs directory that is a file", []string{"cache", "--runs-dir", "afile"}, 1, "--runs-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, dir, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("pipe %v: exit %d, want %d and %q\n%s%s", tt.args, r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
	if got := cacheList(t, dir); len(got) != 2 {
		t.Errorf("usage errors removed entries: %d left", len(got))
	}
}

// TestCacheCommandHelpAndCompletion: pipe help lists it; completion knows
// its commands, and the nodes and pipelines of the store.
func TestCacheCommandHelpAndCompletion(t *testing.T) {
	dir := cacheProject(t)
	runJSON(t, dir)
	if r := pipeIn(t, dir, nil, "help"); !strings.Contains(r.stdout, "cache clear (rm)") {
		t.Errorf("pipe help:\n%s", r.stdout)
	}
	if r := pipeIn(t, dir, nil, "help", "cache", "clear"); r.code != 0 || !strings.Contains(r.stdout, "pipe cache clear (rm) [<node> ...]") {
		t.Errorf("pipe help cache clear: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"ca"}, []string{"cache"}},
		{[]string{"cache", ""}, []string{"list", "clear", "prune"}},
		{[]string{"cache", "clear", ""}, []string{"count", "report"}},
		{[]string{"cache", "ls", "--pipeline", ""}, []string{"cached", "p.yaml"}},
		{[]string{"cache", "clear", "--"}, []string{"--pipeline", "--runs-dir"}},
	}
	for _, tt := range tests {
		r := pipeIn(t, dir, nil, append([]string{completeCommand}, tt.words...)...)
		var got []string
		for line := range strings.Lines(r.stdout) {
			text, _, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
			got = append(got, text)
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("complete %q: %q, want %q among them", tt.words, got, w)
			}
		}
	}
}
