package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// graph -o writes the format its extension names unless -T says, and
// never over a file it reads: the pipeline (or a link to it), the --run
// record. A fake dot on PATH says which format it was asked for.
func TestGraphOutputFile(t *testing.T) {
	dir := t.TempDir()
	const pipeline = "name: g\nnodes:\n  a: {module: echo}\n  s: {module: pipeline, with: {file: sub.yaml}}\n"
	const sub = "name: sub\nnodes:\n  i: {module: echo}\n"
	writeFiles(t, dir, map[string]string{"p.yaml": pipeline, "sub.yaml": sub})
	path := namingDot(t, dir)
	if err := os.Symlink("p.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
		t.Fatalf("pipe run: exit %d\n%s", r.code, r.stderr)
	}
	records, _ := filepath.Glob(filepath.Join(dir, ".pipe/runs/*.json"))
	if len(records) != 1 {
		t.Fatalf("records: %v", records)
	}
	record, _ := filepath.Rel(dir, records[0])
	tests := []struct {
		name   string
		args   []string
		out    string // the file -o names
		code   int
		want   string // what the file holds (code 0), or stderr says
		intact string // the file still holds this (a refused -o)
	}{
		{"svg by extension", nil, "g.svg", 0, "rendered -Tsvg", ""},
		{"pdf by extension, any case", nil, "g.PDF", 0, "rendered -Tpdf", ""},
		{"png by extension", nil, "g.png", 0, "rendered -Tpng", ""},
		{".dot is DOT", nil, "g.dot", 0, `digraph "g"`, ""},
		{".gv is DOT", nil, "g.gv", 0, `digraph "g"`, ""},
		{"no extension is DOT", nil, "g", 0, `digraph "g"`, ""},
		{"-T agrees with the extension", []string{"-T", "svg"}, "g.SVG", 0, "rendered -Tsvg", ""},
		{"-T dot and .gv agree", []string{"-T", "dot"}, "g.gv", 0, `digraph "g"`, ""},
		{"-T against the extension", []string{"-T", "svg"}, "g.png", 2, "-T svg but -o g.png: drop -T, or name the file g.svg", ""},
		{"-T against .dot", []string{"-T", "png"}, "g.dot", 2, "-T png but -o g.dot: drop -T, or name the file g.png", ""},
		{"-T with no extension", []string{"-T", "png"}, "g", 0, "rendered -Tpng", ""},
		{"-T pdf", []string{"-T", "pdf"}, "g.out", 0, "rendered -Tpdf", ""},
		{"unknown extension", nil, "g.jpg", 2, "-o g.jpg: pipe cannot tell the format from .jpg: give -T dot, svg, png or pdf", ""},
		{"unknown -T", []string{"-T", "jpg"}, "g.x", 2, "-T jpg: pipe graph writes dot, svg, png or pdf", ""},
		{"over the pipeline", nil, "p.yaml", 2, "-o p.yaml is p.yaml, which pipe graph reads", pipeline},
		{"over the pipeline, -T dot", []string{"-T", "dot"}, "./p.yaml", 2, "which pipe graph reads", pipeline},
		{"over a link to the pipeline", []string{"-T", "svg"}, "link.yaml", 2, "-o link.yaml is p.yaml, which pipe graph reads", pipeline},
		{"over a sub-pipeline it reads", []string{"-T", "dot"}, "sub.yaml", 2, "-o sub.yaml is sub.yaml, which pipe graph reads", sub},
		{"over the --run record", []string{"--run", "last", "-T", "dot"}, record, 2, "which pipe graph reads", `"pipeline":"g"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, tt.out)
			if tt.intact == "" {
				os.Remove(out)
			}
			r := pipeIn(t, dir, path, append([]string{"graph", "p.yaml", "-o", tt.out}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			data, err := os.ReadFile(out)
			switch {
			case tt.code == 0 && (err != nil || !strings.Contains(string(data), tt.want)):
				t.Errorf("%s holds %q (%v), want %q", tt.out, data, err, tt.want)
			case tt.code != 0 && !strings.Contains(r.stderr, tt.want):
				t.Errorf("stderr %q, want %q", r.stderr, tt.want)
			case tt.intact != "" && !strings.Contains(string(data), tt.intact):
				t.Errorf("%s was written over: %q", tt.out, data)
			case tt.intact == "" && tt.code != 0 && err == nil:
				t.Errorf("%s written by a refused command: %q", tt.out, data)
			}
		})
	}
}

// graph -o - writes to stdout (pipe run - reads stdin), no file named -;
// an -o in a directory that is not there names that directory, not the
// temporary file written beside the output.
func TestGraphOutputStdoutOrMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: g\nnodes:\n  a: {module: echo}\n"})
	path := namingDot(t, dir)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"- is stdout", []string{"-o", "-"}, 0, `digraph "g"`, ""},
		{"- is stdout, svg", []string{"-o", "-", "-T", "svg"}, 0, "rendered -Tsvg", ""},
		{"a directory not there", []string{"-T", "svg", "-o", "nodir/g.svg"}, 1, "", "pipe: cannot write nodir/g.svg: directory nodir does not exist; create it first (mkdir -p nodir)\n"},
		{"a file as directory", []string{"-o", "p.yaml/g.dot"}, 1, "", "pipe: cannot write p.yaml/g.dot: p.yaml is not a directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, dir, path, append([]string{"graph", "p.yaml"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || r.stderr != tt.stderr {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q, want %q", r.code, tt.code, r.stdout, tt.stdout, r.stderr, tt.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "-")); err == nil {
				t.Errorf("a file named - was written")
			}
		})
	}
}

// namingDot writes dir/bin/dot, a dot that says which format it was asked
// for, and returns the environment that puts it first in PATH.
func namingDot(t *testing.T, dir string) []string {
	t.Helper()
	writeFiles(t, dir, map[string]string{"bin/dot": "#!/bin/sh\necho \"rendered $1\"\n"})
	if err := os.Chmod(filepath.Join(dir, "bin/dot"), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + filepath.Join(dir, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")}
}
