//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// TestInterruptTwice presses Ctrl-C twice, 0.3 s apart, on a run whose
// programs ignore SIGTERM: pipe must still kill them, write the record and
// exit 130.
func TestInterruptTwice(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stubborn.yaml")
	os.WriteFile(file, []byte(`name: stubborn
nodes:
  deaf: {module: exec, with: {command: "trap '' TERM; sleep 300; echo x"}}
  deaf2: {module: exec, with: {command: "trap '' TERM INT; sleep 301 & wait; echo x"}}
  argv: {module: exec, with: {command: [sleep, "302"]}}
  pause: {module: wait, with: {duration: 1h}}
  after: {module: echo, needs: deaf}
`), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir, "--json", "--max-parallel", "10")
	var stdout bytes.Buffer
	var stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	groupsSeen := startKillable(t, cmd)
	waitUntil(t, 20*time.Second, func() bool {
		*groupsSeen = childGroups(cmd.Process.Pid)
		return countIn(*groupsSeen, "sleep") == 3
	}, func() string { return "the sleeps did not all start\n" + stderr.String() })
	groups := *groupsSeen

	cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(300 * time.Millisecond) // a user's second Ctrl-C, not an assertion
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit %v, want %d\n%s", err, exitInterrupted, stderr.String())
	}
	waitUntil(t, 5*time.Second, func() bool { return len(alive(groups)) == 0 },
		func() string { return "processes outlived the second Ctrl-C: " + strings.Join(alive(groups), ", ") })
	var rec engine.Record
	if err := json.Unmarshal(stdout.Bytes(), &rec); err != nil {
		t.Fatalf("no record on stdout: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s (%s), want cancelled", rec.Status, rec.Reason)
	}
	for _, id := range []string{"deaf", "deaf2", "argv", "pause", "after"} {
		if n := rec.Nodes[id]; n == nil || n.Status != engine.StatusCancelled {
			t.Errorf("node %s: %+v, want cancelled", id, n)
		}
	}
	if _, err := engine.ReadRecord(filepath.Join(dir, rec.ID+".json")); err != nil {
		t.Errorf("the record on disk: %v", err)
	}
}
