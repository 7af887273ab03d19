package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What the history commands say of what they are given, after a run of
// a (prints a line), b (prints nothing, fails) and c (prints a line).
func TestHistoryCommandsSayWhatTheyTake(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p.yaml": `name: p
nodes:
  a: {module: exec, with: {command: 'echo a-line'}}
  b: {module: exec, with: {command: 'false'}}
  t2: {module: exec, with: {command: 'echo t2-line'}}
`,
		"q.yaml": "name: q\nnodes:\n  a: {module: echo}\n",
	})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 1 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	notDir := t.TempDir()
	writeFiles(t, notDir, map[string]string{".pipe": ""})
	for _, tt := range []struct {
		name   string
		dir    string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"a node's name for a run", dir, []string{"logs", "t2"}, 1, "", `no run in .pipe/runs has an id starting "t2" (pipe runs lists them); t2 is a node of the last run: pipe logs last t2`},
		{"nodes' names for a run", dir, []string{"logs", "t2", "a"}, 1, "", "t2 is a node of the last run: pipe logs last t2 a"},
		{"several nodes", dir, []string{"logs", "last", "t2", "a"}, 0, "[a] ", ""},
		{"several nodes, one printed nothing", dir, []string{"logs", "last", "a", "b", "t2"}, 0, "[a] ", "node b of run"},
		{"several nodes, one not there", dir, []string{"logs", "last", "a", "nope"}, 1, "[a] ", `has no node "nope"`},
		{"a node that printed nothing, as a run that did", dir, []string{"logs", "last", "b"}, 0, "", "left no output"},
		{"--resume given nothing", dir, []string{"run", "p.yaml", "--resume", ""}, 2, "", "--resume: given nothing: name a run"},
		{"--run given nothing", dir, []string{"graph", "p.yaml", "--run="}, 2, "", "--run: given nothing"},
		{"-n below 0", dir, []string{"runs", "-n", "-1"}, 2, "", "-n -1: give a count of runs, or 0 for all"},
		{"-n 0 lists all", dir, []string{"runs", "-n", "0"}, 0, "2 success, 1 error", ""},
		{"a path that is no file", dir, []string{"show", "../no-such-file"}, 1, "", "no such run: there is no file ../no-such-file; a run is named last, by its id or its unique start"},
		{"runs under a file", notDir, []string{"runs"}, 1, "", "--runs-dir .pipe/runs is not a directory of runs: .pipe is a file"},
		{"show under a file", notDir, []string{"show"}, 1, "", ".pipe/runs is not a directory of runs: .pipe is a file"},
		{"graph with another pipeline's run", dir, []string{"graph", "q.yaml", "--run", "2"}, 1, "", "is of pipeline p, not of q (q.yaml's)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, tt.dir, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("pipe %q: exit %d, want %d, %q on stdout and %q on stderr\nstdout: %s\nstderr: %s", tt.args, r.code, tt.code, tt.stdout, tt.stderr, r.stdout, r.stderr)
			}
		})
	}
	// Several nodes, each line marked with its node, in the order given.
	r := pipeIn(t, dir, nil, "logs", "last", "t2", "a")
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "[t2] ") || !strings.HasSuffix(lines[1], "stdout a-line") {
		t.Errorf("logs last t2 a:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, ".pipe", "runs")); err != nil {
		t.Fatal(err)
	}
}
