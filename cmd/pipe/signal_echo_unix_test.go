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

// One time-out of coreutils timeout is one interrupt: it sends its signal
// to pipe and then to its whole process group, pipe included, so pipe gets
// it twice within microseconds. The second must not count as the user's
// second Ctrl-C: the clean-up nodes run, the record is written, exit 130.
// (Before, 1 run in 3 hurried and left the clean-up not started.) The
// kernel merges a signal that is still pending, so a round may send one:
// a few rounds.
func TestSameSignalTwiceAtOnceIsOneInterrupt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "long.yaml")
	os.WriteFile(file, []byte(`name: long
nodes:
  work: {module: exec, with: {command: [sleep, "30"]}}
  cleanup: {module: echo, needs: work, when: always()}
  oncancel: {module: echo, needs: work, when: cancelled()}
`), 0o644)
	for round := range 6 {
		sig := []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}[round%2]
		runs := t.TempDir()
		cmd := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
		var stdout strings.Builder
		var stderr syncBuffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		exited := startUntil(t, cmd, &stderr, "work: started")
		// As timeout does: kill(child), then kill(0) (here, the child alone).
		syscall.Kill(cmd.Process.Pid, sig)
		syscall.Kill(cmd.Process.Pid, sig)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Fatalf("%v twice: pipe run did not stop", sig)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
			t.Errorf("%v twice: exit %d, want %d\n%s", sig, code, exitInterrupted, stderr.String())
		}
		if strings.Contains(stderr.String(), "killing the running programs") {
			t.Errorf("%v twice at once counted as two interrupts:\n%s", sig, stderr.String())
		}
		for _, node := range []string{"cleanup", "oncancel"} {
			if !hasLine(stdout.String(), node, "success") {
				t.Errorf("%v twice: %s did not run:\n%s\n%s", sig, node, stdout.String(), stderr.String())
			}
		}
		if records, _ := filepath.Glob(filepath.Join(runs, "*.json")); len(records) != 1 {
			t.Errorf("%v twice: records %v", sig, records)
		}
		if t.Failed() {
			return
		}
	}
}

// hasLine reports whether a line of s (a summary) has the words first and
// then as its first two fields.
func hasLine(s, first, then string) bool {
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == first && f[1] == then {
			return true
		}
	}
	return false
}
