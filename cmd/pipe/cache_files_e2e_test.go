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

// TestCacheWarnsOfFilesTheKeyMisses: validate names, relative to the base
// directory, the files a cached node reads that its files: do not list,
// and following its hint silences it: a script run in exec's `dir:`
// (the hint said train.py, which then matched no file), and what the
// nodes of a cached pipeline node's pipeline read (it said nothing).
func TestCacheWarnsOfFilesTheKeyMisses(t *testing.T) {
	files := map[string]string{
		"scripts/train.py": "print('fit')\n",
		"lib/step.py":      "def main():\n    return {}\n",
		"lib/scripts/t.py": "print('t')\n",
		"data/x.csv":       "a\n",
		"lib/child.yaml": `name: child
nodes:
  step: {module: python, with: {path: lib/step.py}}
  train:
    module: exec
    with: {command: [python3, t.py], dir: lib/scripts}
  count:
    module: exec
    files: ["data/*.csv"]
    with: {command: "wc -l data/x.csv"}
`,
	}
	for _, tc := range []struct {
		name, node, fixed string
		warning           string
	}{
		{"a script in exec's dir", "    module: exec\n    cache: true\n    with: {command: [python3, train.py], dir: scripts}\n",
			"[scripts/train.py]",
			"p.yaml:6:12: warning: node n is cached, and its command runs scripts/train.py, which its files: do not list\n" +
				"    6 |     with: {command: [python3, train.py], dir: scripts}\n" +
				"      |            ^\n" +
				"    hint: add `files: [scripts/train.py]`: an edit to it would come back with the old result\n"},
		{"a cached pipeline node", "    module: pipeline\n    cache: true\n    with: {file: lib/child.yaml}\n",
			"[lib/step.py, lib/scripts/t.py, data/*.csv]",
			"p.yaml:5:12: warning: node n is cached, and its pipeline's nodes read lib/step.py (n/step), lib/scripts/t.py (n/train), data/*.csv (n/count), " +
				"which its files: do not list (its key holds the pipeline files, not what their nodes read)\n" +
				"    5 |     cache: true\n" +
				"      |            ^\n" +
				"    hint: add `files: [lib/step.py, lib/scripts/t.py, data/*.csv]`: an edit to them would come back with the old result\n"},
		{"a cached pipeline node, a directory listed", "    module: pipeline\n    cache: true\n    with: {file: lib/child.yaml}\n",
			"", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, files)
			node := tc.node
			if tc.warning == "" {
				node += "    files: [lib/, data/]\n"
			}
			writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  n:\n" + node})
			if r := pipeIn(t, dir, nil, "validate", "p.yaml"); r.code != 0 || r.stderr != tc.warning {
				t.Errorf("validate: exit %d\n got %s\nwant %s", r.code, r.stderr, tc.warning)
			}
			if tc.fixed == "" {
				return
			}
			writeFiles(t, dir, map[string]string{"p.yaml": "name: p\nnodes:\n  n:\n" + node + "    files: " + tc.fixed + "\n"})
			if r := pipeIn(t, dir, nil, "validate", "p.yaml"); r.code != 0 || r.stderr != "" {
				t.Errorf("validate with files: %s as the hint says: exit %d\n%s", tc.fixed, r.code, r.stderr)
			}
		})
	}
}
