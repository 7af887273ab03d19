//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/sys/unix"
)

// pipe run's stdout closing (pipe run FILE | head, | true) stops the run as
// Ctrl-C does, though pipe writes nothing to it before the summary: the
// run is recorded, its clean-up node runs, exit 130; a sleep of 60 s is
// not waited for (readOneAndClose gives up after 20 s).
func TestClosedStdoutStopsTheRun(t *testing.T) {
	for _, tc := range []struct {
		name  string
		early bool   // the reader is gone before pipe starts (| true)
		until string // what pipe says on stderr before the reader goes
	}{
		{name: "closed before the run", early: true, until: "pipe's output was closed"},
		{name: "closed while it runs", until: "a: started"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs := t.TempDir()
			file := filepath.Join(t.TempDir(), "p.yaml")
			os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: 'sleep 60'}}\n  tidy: {module: echo, needs: a, when: always()}\n"), 0o644)
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			stderr := new(syncBuffer)
			cmd := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
			cmd.Stdout, cmd.Stderr = w, stderr
			if tc.early {
				r.Close()
			}
			exited := startUntil(t, cmd, stderr, tc.until)
			w.Close()
			if !tc.early {
				r.Close()
			}
			waitOrKill(t, cmd, exited, "pipe run")
			if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
				t.Errorf("exit %d, want %d\n%s", code, exitInterrupted, stderr)
			}
			// Its log (2>run.log) says why the run stopped: it said
			// "interrupted", as at a Ctrl-C no one pressed.
			if !strings.Contains(stderr.String(), "pipe's output was closed (its reader, such as head, went away): stopping as at Ctrl-C") {
				t.Errorf("stderr does not say the output was closed:\n%s", stderr)
			}
			records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
			if len(records) != 1 {
				t.Fatalf("records %v", records)
			}
			b, _ := os.ReadFile(records[0])
			if !strings.Contains(string(b), `"status":"cancelled","reason":"run interrupted: pipe's output was closed"`) || !strings.Contains(string(b), `"tidy":{"module":"echo","status":"success"`) {
				t.Errorf("record:\n%s", b)
			}
		})
	}
}

// A run that has ended, whose summary meets a closed output, exits as it
// ended, without saying it was interrupted: there was nothing left to
// stop. The pipe is full, so the summary waits on it until its reader
// goes, after the run's end.
func TestClosedOutputAfterTheRunIsNoInterrupt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: echo}\n"), 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fillPipe(t, w)
	stderr := new(syncBuffer)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = w, stderr
	exited := startUntil(t, cmd, stderr, "a: done")
	w.Close()
	r.Close()
	waitOrKill(t, cmd, exited, "pipe run")
	if code := cmd.ProcessState.ExitCode(); code != exitOK || strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d (%s), want 0 and no interruption\nstderr: %s", code, cmd.ProcessState, stderr)
	}
}

// The watch of a pipe's reader ends when stopped, and says nothing of a
// reader still there; a file is not watched.
func TestWatchStdoutReaderEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, out := range []*os.File{w, f} {
		called := false
		stop := watchStdoutReader(int(fdOf(t, out)), func() { called = true })
		stop()
		if called {
			t.Errorf("%s: said closed, its reader is there", out.Name())
		}
	}
	closed := make(chan struct{})
	stop := watchStdoutReader(int(fdOf(t, w)), func() { close(closed) })
	r.Close()
	<-closed
	stop()
}

// fillPipe writes to w until its pipe is full.
func fillPipe(t *testing.T, w *os.File) {
	t.Helper()
	rc, err := w.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	rc.Control(func(fd uintptr) {
		buf := make([]byte, 4096)
		for { // os.Pipe's ends do not block
			if _, err := unix.Write(int(fd), buf); err != nil {
				return
			}
		}
	})
}

func fdOf(t *testing.T, f *os.File) uintptr {
	t.Helper()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd uintptr
	rc.Control(func(got uintptr) { fd = got })
	return fd
}

// waitOrKill waits (20 s at most) for cmd to end on exited; what names it
// in a failure.
func waitOrKill(t *testing.T, cmd *exec.Cmd, exited chan error, what string) {
	t.Helper()
	select {
	case <-exited:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("%s did not end after its output closed", what)
	}
}
