package proc

import (
	"testing"
	"time"
)

// awaitExit returns once the program has exited, and leaves it for Wait.
func TestAwaitExit(t *testing.T) {
	cmd := Command("/bin/sh", "-c", "sleep 0.2; exit 7")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	awaitExit(cmd.Process)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("awaitExit returned after %v, before the program ended", d)
	}
	err := cmd.Wait()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 7 {
		t.Fatalf("Wait after awaitExit: %v, state %v", err, cmd.ProcessState)
	}
}
