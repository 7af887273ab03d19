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
// blocked reading its file (here a FIFO that never ends); pipe run too,
// that has started nothing yet.
func TestReadingStopsAtTheFirstInterrupt(t *testing.T) {
	for _, args := range [][]string{{"validate"}, {"graph"}, {"run"}} {
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
	exited := startUntil(t, cmd, &stderr, "started")
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

// pipe never asks the terminal anything: on a terminal that does not
// answer, a query cost every command 10 s. Run under script(1), which
// gives pipe a terminal and shows what pipe wrote to it.
func TestNoTerminalQueries(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed: cannot give pipe a terminal here")
	}
	for _, env := range [][]string{nil, {"NO_COLOR=1"}} {
		cmd := exec.Command(scriptBin, "-qefc", pipeBin+" validate pipelines/example.yaml", "/dev/null")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%q", env, err, out)
		}
		for _, query := range []string{"\x1b]10;?", "\x1b]11;?", "\x1b[6n"} {
			if strings.Contains(string(out), query) {
				t.Errorf("%v: pipe asked the terminal %q:\n%q", env, query, out)
			}
		}
		if !strings.Contains(string(out), "ok pipelines/example.yaml") {
			t.Errorf("%v: output %q", env, out)
		}
	}
}

// On a terminal a status line says how the run goes, redrawn in place and
// erased before the summary; in a pipe there is none.
func TestStatusLineOnlyOnATerminal(t *testing.T) {
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) is not installed: cannot give pipe a terminal here")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  slow: {module: wait, with: {duration: 1s}}\n  after: {module: echo, needs: slow}\n"), 0o644)
	cmd := exec.Command(scriptBin, "-qefc", pipeBin+" run "+file+" --runs-dir "+dir, "/dev/null")
	cmd.Env = append(os.Environ(), "TERM=xterm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%q", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "\r\x1b[K") || !strings.Contains(s, "0/2 done · 1 running (slow) · 00:00") {
		t.Errorf("no status line on a terminal:\n%q", s)
	}
	if i, j := strings.LastIndex(s, "\x1b[K"), strings.Index(s, "NODE"); j < 0 || i > j {
		t.Errorf("the status line is not erased before the summary:\n%q", s)
	}
	// On a narrow terminal the line is cut, not wrapped (a wrapped line
	// cannot be erased in place).
	narrow := exec.Command(scriptBin, "-qefc", "stty cols 30; "+pipeBin+" run "+file+" --runs-dir "+dir, "/dev/null")
	narrow.Env = cmd.Env
	out, err = narrow.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%q", err, out)
	}
	for _, seg := range strings.Split(string(out), "\r\x1b[K") {
		if i := strings.Index(seg, " done · "); i >= 0 && strings.IndexByte(seg, '\n') < 0 && len([]rune(seg)) > 29 {
			t.Errorf("a status line of %d columns on a 30-column terminal: %q", len([]rune(seg)), seg)
		}
	}
	r := pipe(t, "run", file, "--runs-dir", dir)
	if strings.Contains(r.stderr, "\x1b[K") || strings.Contains(r.stderr, " done · ") {
		t.Errorf("a status line without a terminal:\n%q", r.stderr)
	}
}

// A closed output (pipe run | head) stops the run as Ctrl-C does: it is
// recorded and its clean-up nodes run; pipe is not killed by SIGPIPE.
func TestClosedOutputRecordsTheRun(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: 'for i in $(seq 1 100); do echo a$i; sleep 0.05; done'}}\n  tidy: {module: echo, needs: a, when: always()}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	readOneAndClose(t, cmd, r, "pipe run")
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
	if len(records) != 1 {
		t.Fatalf("records %v", records)
	}
	b, _ := os.ReadFile(records[0])
	if !strings.Contains(string(b), `"tidy":{"module":"echo","status":"success"`) {
		t.Errorf("record:\n%s", b)
	}
}

// A program that does not read its stdin: (the write to it raises
// SIGPIPE) fails or succeeds on its own; the run is not stopped as if
// pipe's output had closed.
func TestUnreadStdinDoesNotStopTheRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte(`name: p
nodes:
  deaf: {module: exec, with: {command: "true", stdin: "${{ repeat('x', 1000000) }}"}}
  other: {module: exec, with: {command: "sleep 0.5; echo other"}}
`), 0o644)
	for range 3 {
		r := pipe(t, "run", file, "--runs-dir", t.TempDir())
		if r.code != exitOK || strings.Contains(r.stderr, "interrupted") {
			t.Fatalf("exit %d, want 0\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
		}
	}
}

// A summary that cannot be written (a full disk) is an error, exit 1, not
// a silent success.
func TestSummaryToAFullDiskFails(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	cmd := exec.Command(pipeBin, "run", "testdata/good/gate.yaml", "--runs-dir", t.TempDir())
	cmd.Dir = "../.."
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = full, &stderr
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitFailed || !strings.Contains(stderr.String(), "writing the summary") {
		t.Errorf("exit %d (%v), want %d and a word on the summary\n%s", code, err, exitFailed, stderr.String())
	}
}

// readOneAndClose reads the first bytes cmd writes to r, closes r as head
// -1 does, and waits (20 s at most) for cmd to end; what names it in a
// failure.
func readOneAndClose(t *testing.T, cmd *exec.Cmd, r *os.File, what string) {
	t.Helper()
	buf := make([]byte, 100)
	r.Read(buf)
	r.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitOrKill(t, cmd, exited, what)
}

// startUntil starts cmd, whose stderr is stderr, and waits until its
// stderr says want: once a node runs, its log line is out, and pipe
// handles signals then. The channel gets cmd's end.
func startUntil(t *testing.T, cmd *exec.Cmd, stderr *syncBuffer, want string) chan error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stderr.String(), want) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			t.Fatalf("the node did not start:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return exited
}
