//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A dotenv file or --config that is a device or a FIFO is refused before
// it is read: /dev/zero was read until memory ran out (430 MB in 4 s),
// a FIFO waited for a writer, and neither heeded Ctrl-C. Each names what
// the path is: a dotenv entry at its place in the pipeline, the run as
// validate does (exit 1: the pipeline names the file); --config's is a
// usage error (exit 2).
func TestDotEnvThatHasNoEnd(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "ci.env")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, dotenv string
		args         []string
		code         int
		want         string
	}{
		{"a FIFO in dotenv", fifo, nil, exitFailed, "p.yaml:2:9: dotenv " + fifo + " is a FIFO (named pipe): not a regular file"},
		{"a device in dotenv", "/dev/zero", nil, exitFailed, "p.yaml:2:9: dotenv /dev/zero is a device: not a regular file"},
		{"a device as --config", "", []string{"--config", "/dev/zero"}, exitUsage, "--config /dev/zero is a device: not a regular file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: p\nnodes:\n  x: {module: echo}\n"
			if tt.dotenv != "" {
				src = "name: p\ndotenv: " + tt.dotenv + "\nnodes:\n  x: {module: echo}\n"
			}
			writeFiles(t, dir, map[string]string{"p.yaml": src})
			r := pipeIn(t, dir, nil, append([]string{"run", "p.yaml", "--runs-dir", t.TempDir()}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("run: exit %d, want %d and %q\n%s", r.code, tt.code, tt.want, r.stderr)
			}
			if tt.dotenv == "" {
				return
			}
			r = pipeIn(t, dir, nil, "validate", "p.yaml")
			if r.code != 1 || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("validate: exit %d, want 1 and %q\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

// --config /dev/null, the way to say there is none, still runs.
func TestConfigDevNull(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: p\ndotenv: /dev/null\nnodes:\n  x: {module: echo}\n"})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--config", "/dev/null", "--runs-dir", t.TempDir())
	if r.code != 0 {
		t.Errorf("exit %d, want 0\n%s", r.code, r.stderr)
	}
}
