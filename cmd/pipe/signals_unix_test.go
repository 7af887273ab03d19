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

// The first Ctrl-C ends the commands that run nothing at once, even one
// blocked reading its file (here a FIFO that never ends).
func TestValidateStopsAtTheFirstInterrupt(t *testing.T) {
	for _, args := range [][]string{{"validate"}, {"graph"}} {
		fifo := filepath.Join(t.TempDir(), "p.yaml")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("no FIFOs here: %v", err)
		}
		cmd := exec.Command(pipeBin, append(args, fifo)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		// Once pipe has the FIFO open it is reading its file: its signal
		// handling is set up. The writer stays open, so the read waits.
		var w *os.File
		for w == nil {
			f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err == nil {
				w = f
				break
			}
			select {
			case err := <-exited:
				t.Fatalf("pipe %s ended early: %v\n%s", args[0], err, stderr.String())
			case <-time.After(10 * time.Millisecond):
			}
		}
		w.WriteString("name: p\n")
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("pipe %s did not stop at the first SIGINT", args[0])
		}
		w.Close()
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted && !t.Failed() {
			t.Errorf("pipe %s: exit %d after SIGINT, want %d\n%s", args[0], code, exitInterrupted, stderr.String())
		}
	}
}
