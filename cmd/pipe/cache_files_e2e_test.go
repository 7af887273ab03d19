package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCacheFilesDoubleStar: `**` in files: is any number of directories,
// as GitHub Actions' hashFiles('**/x') reads it: an edit to a file deep
// in the tree is a miss (it used to come back as a stale hit, the old
// file's content reported as success), and validate finds the files.
func TestCacheFilesDoubleStar(t *testing.T) {
	for _, glob := range []string{"**/*.py", "src/**/*.py", "src/**"} {
		t.Run(glob, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"p.yaml": "name: deep\nnodes:\n  show:\n    module: exec\n    cache: true\n    files: [\"" + glob + "\"]\n" +
					"    with: {command: [cat, src/pkg/sub/util.py]}\n",
				"src/main.py":         "print('main')\n",
				"src/pkg/sub/util.py": "VERSION = 1\n",
			})
			if r := pipeIn(t, dir, nil, "validate", "p.yaml"); r.code != 0 || strings.Contains(r.stderr, "warning") {
				t.Errorf("validate: exit %d\n%s", r.code, r.stderr)
			}
			first, _ := runJSON(t, dir)
			if second, _ := runJSON(t, dir); second.Nodes["show"].CachedFrom != first.ID {
				t.Fatalf("nothing changed: cached from %q, want %s", second.Nodes["show"].CachedFrom, first.ID)
			}
			if err := os.WriteFile(filepath.Join(dir, "src/pkg/sub/util.py"), []byte("VERSION = 2\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if x := pipeIn(t, dir, nil, "explain", "p.yaml"); !strings.Contains(x.stdout, "not cached: file src/pkg/sub/util.py changed") {
				t.Errorf("explain after the edit:\n%s%s", x.stdout, x.stderr)
			}
			third, _ := runJSON(t, dir)
			if n := third.Nodes["show"]; n.CachedFrom != "" || !strings.Contains(n.Outputs["stdout"].(string), "VERSION = 2") {
				t.Errorf("after an edit deep in the tree: cached from %q, stdout %q", n.CachedFrom, n.Outputs["stdout"])
			}
		})
	}
}
