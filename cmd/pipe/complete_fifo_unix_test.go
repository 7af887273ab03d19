//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Completion never waits: a pipeline "file" that is a FIFO (no writer) or
// standard input (a writer that never closes) is not read, and the TAB
// gets pipe's own flags at once.
func TestCompletionNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "ff.yaml"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for _, file := range []string{"ff.yaml", "-"} {
		t.Run(file, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			cmd := exec.Command(pipeBin, completeCommand, "run", file, "--")
			cmd.Dir, cmd.Stdin = dir, r
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case err := <-exited:
				if err != nil || !strings.Contains(stdout.String(), "--only") {
					t.Errorf("exit %v, want 0 and pipe's flags\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Errorf("pipe __complete run %s -- blocked", file)
			}
		})
	}
}
