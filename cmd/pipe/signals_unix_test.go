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

// A closed terminal (SIGHUP) stops a run as Ctrl-C does: recorded, 130.
func TestHangupRecordsTheRun(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: [sleep, '30']}}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Once the node runs, its log line is out: pipe handles signals then.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), "started") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			t.Fatalf("the node did not start:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatal("pipe run did not stop at SIGHUP")
	}
	records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted || len(records) != 1 {
		t.Fatalf("exit %d, records %v\n%s", code, records, stderr.String())
	}
	b, _ := os.ReadFile(records[0])
	if !strings.Contains(string(b), `"status":"cancelled"`) {
		t.Errorf("record: %s", b)
	}
}
