//go:build unix

package exec_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCancelKillsTheProcessGroup starts a shell that starts a grandchild,
// cancels, and checks that both are gone.
func TestCancelKillsTheProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := run(t, ctx, map[string]any{"command": "sleep 60 & echo $! > " + pidFile + "; wait"})
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "killed") {
		t.Fatalf("error %v, want the process killed", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to stop", d)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	deadline := time.Now().Add(2 * time.Second)
	for {
		// Signal 0 checks that the process exists; a zombie still answers
		// on some systems, so read its state where /proc exists.
		err := syscall.Kill(pid, 0)
		state, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(state), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d still running after the node was cancelled", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
