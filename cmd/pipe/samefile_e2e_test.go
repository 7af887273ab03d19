package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The last run of a file is that file's however the file is spelled: two
// files of the same pipeline name, a.yaml run first and b.yaml last, and
// a.yaml given as an absolute path, ./a.yaml, a link to it or ../a.yaml
// from a subdirectory: graph --run last draws a's run, --resume last
// resumes it, explain measures it, runs --pipeline lists it alone.
func TestLastRunOfTheFileHoweverSpelled(t *testing.T) {
	dir := t.TempDir()
	const pipeline = "name: same\nnodes:\n  x: {module: exec, with: {command: \"echo x\"}}\n  y: {module: exec, needs: [x], with: {command: \"%s\"}}\n"
	writeFiles(t, dir, map[string]string{
		"a.yaml":    strings.Replace(pipeline, "%s", "exit 1", 1),
		"b.yaml":    strings.Replace(pipeline, "%s", "true", 1),
		"sub/.keep": "",
	})
	if err := os.Symlink("a.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	a := pipeIn(t, dir, nil, "run", "a.yaml", "--json")
	var rec struct{ ID string }
	if err := json.Unmarshal([]byte(a.stdout), &rec); a.code != 1 || err != nil {
		t.Fatalf("pipe run a.yaml: exit %d, %v\n%s%s", a.code, err, a.stdout, a.stderr)
	}
	if b := pipeIn(t, dir, nil, "run", "b.yaml"); b.code != 0 {
		t.Fatalf("pipe run b.yaml: exit %d\n%s", b.code, b.stderr)
	}
	tests := []struct {
		name, in, file string
		runsDir        string
	}{
		{"as run", ".", "a.yaml", ".pipe/runs"},
		{"dot slash", ".", "./a.yaml", ".pipe/runs"},
		{"absolute", ".", filepath.Join(dir, "a.yaml"), ".pipe/runs"},
		{"link", ".", "link.yaml", ".pipe/runs"},
		{"from a subdirectory", "sub", "../a.yaml", "../.pipe/runs"},
		{"from a subdirectory, absolute runs dir", "sub", "../a.yaml", filepath.Join(dir, ".pipe/runs")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(dir, tt.in)
			g := pipeIn(t, in, nil, "graph", tt.file, "--run", "last", "--runs-dir", tt.runsDir)
			if g.code != 0 || !strings.Contains(g.stdout, `"y" [label="y\nmodule: exec\nerror`) {
				t.Errorf("graph --run last: exit %d, want y drawn failed (a's run)\n%s%s", g.code, g.stdout, g.stderr)
			}
			r := pipeIn(t, in, nil, "run", tt.file, "--resume", "last", "--dry-run", "--runs-dir", tt.runsDir)
			if r.code != 0 || !strings.Contains(r.stdout, "kept from run "+rec.ID) {
				t.Errorf("run --resume last: exit %d, want a's run %s resumed\n%s%s", r.code, rec.ID, r.stdout, r.stderr)
			}
			x := pipeIn(t, in, nil, "explain", tt.file, "--runs-dir", tt.runsDir)
			if x.code != 0 || !strings.Contains(x.stdout, "with the durations of run "+rec.ID) {
				t.Errorf("explain: exit %d, want a's run %s measured\n%s%s", x.code, rec.ID, x.stdout, x.stderr)
			}
			l := pipeIn(t, in, nil, "runs", "--pipeline", tt.file, "--runs-dir", tt.runsDir)
			if l.code != 0 || !strings.Contains(l.stdout, rec.ID) || strings.Count(l.stdout, "\n") != 2 {
				t.Errorf("runs --pipeline: exit %d, want a's run %s alone\n%s%s", l.code, rec.ID, l.stdout, l.stderr)
			}
		})
	}
}
