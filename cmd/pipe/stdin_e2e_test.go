package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A pipeline read from standard input, a pipe or a descriptor's file has
// the current directory for its base directory: its programs run there,
// not in /dev or /proc/PID/fd, and its base_dir is relative to it.
func TestPipelineFromStdinRunsInTheCurrentDirectory(t *testing.T) {
	const pwd = "name: s\nnodes:\n  a: {module: exec, with: {command: pwd}}\n"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"sub/.keep": ""})
	elsewhere := filepath.Join(t.TempDir(), "p.yaml")
	writeFiles(t, filepath.Dir(elsewhere), map[string]string{"p.yaml": pwd})
	tests := []struct {
		name, file, pipeline string
		fromFile             bool // stdin redirected from a file in another directory
		want                 string
	}{
		{"dash", "-", pwd, false, dir},
		{"/dev/stdin", "/dev/stdin", pwd, false, dir},
		{"/dev/stdin from a file elsewhere", "/dev/stdin", "", true, dir},
		{"/proc/self/fd/0", "/proc/self/fd/0", pwd, false, dir},
		{"base_dir relative to the current directory", "-", "base_dir: sub\n" + pwd, false, filepath.Join(dir, "sub")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.file); tt.file != "-" && err != nil {
				t.Skip(err)
			}
			var stdin io.Reader = strings.NewReader(tt.pipeline)
			if tt.fromFile {
				f, err := os.Open(elsewhere)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin = f
			}
			r := pipeStdin(t, dir, nil, stdin, "run", tt.file)
			if r.code != 0 || !strings.Contains(r.stderr, "[a] "+tt.want+"\n") {
				t.Errorf("exit %d, want 0 and a run in %s\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

// validate, graph and explain read "-" as standard input too; its
// problems are <stdin>'s.
func TestDashReadsStdin(t *testing.T) {
	const good = "name: s\nnodes:\n  a: {module: echo}\n"
	const withN = "name: s\nconfig: {N: 1}\nnodes:\n  a: {module: exec, with: {command: 'echo ${{ config.N }}'}}\n"
	tests := []struct {
		args           []string
		pipeline       string
		code           int
		stdout, stderr string
	}{
		{[]string{"validate", "-"}, good, 0, "ok <stdin> (1 node)", ""},
		{[]string{"validate", "-"}, good + "  b: {modul: echo}\n", 1, "", "<stdin>:4:7: unknown key \"modul\" in node b"},
		{[]string{"graph", "-"}, good, 0, `digraph "s"`, ""},
		{[]string{"explain", "-"}, good, 0, "a     echo", ""},
		{[]string{"run", "-"}, good, 0, "success", ""},
		// The file is read once, for its config's flags and the run.
		{[]string{"run", "-", "--n", "3"}, withN, 0, "success", "[a] 3\n"},
		{[]string{"explain", "-", "--n", "3"}, withN, 0, "a     exec", ""},
		{[]string{"run", "-", "--m", "3"}, withN, 2, "", "unknown flag --m"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := pipeStdin(t, t.TempDir(), nil, strings.NewReader(tt.pipeline), tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, want %d, stdout with %q, stderr with %q\nstdout: %s\nstderr: %s", r.code, tt.code, tt.stdout, tt.stderr, r.stdout, r.stderr)
			}
		})
	}
}
