package proc

import (
	"context"
	"strings"
	"testing"
	"time"
)

// KillAll kills a program that ignores SIGTERM without waiting for its
// context, and a program started after it at once.
func TestKillAll(t *testing.T) {
	t.Cleanup(func() { // the rest of the package's tests start programs
		programs.mu.Lock()
		programs.killed = false
		programs.mu.Unlock()
	})
	errc := make(chan error)
	go func() {
		_, err := Run(context.Background(), Command("/bin/sh", "-c", "trap '' TERM; sleep 30; sleep 30"), Options{})
		errc <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		programs.mu.Lock()
		n := len(programs.running)
		programs.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d programs listed, want 1", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	KillAll()
	select {
	case err := <-errc:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("error %v, want the program killed", err)
		}
	case <-time.After(20 * time.Second): // it would sleep 60 s
		t.Fatal("the program outlived KillAll")
	}
	if _, err := Run(context.Background(), Command("/bin/sh", "-c", "sleep 30"), Options{}); err == nil {
		t.Error("a program started after KillAll ran to its end")
	}
}
