package proc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The watchdog of programs started here is watched until it ends, with
// the test process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/pipe-run/pipe/modules/internal/proc/watchdog.(*Conn).watch"))
}

// recorder keeps the lines a program logged, with the time each came.
type recorder struct {
	mu    sync.Mutex
	lines []string
	at    []time.Time
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, rec.Message)
	r.at = append(r.at, time.Now())
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) snapshot() ([]string, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.lines...), append([]time.Time(nil), r.at...)
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func TestRunOutput(t *testing.T) {
	big := strings.Repeat("x", 300<<10) // beyond a pipe's buffer
	tests := []struct {
		name       string
		argv       []string
		stdoutLog  bool
		wantStdout string
		wantLines  int
		wantErr    string
		wantExit   int
	}{
		{name: "quick program, read after exit", argv: sh("echo out; echo err >&2"), wantStdout: "out\n", wantLines: 1},
		{name: "more than a pipe holds", argv: sh("head -c 307200 /dev/zero | tr '\\0' x"), wantStdout: big},
		{name: "more than a pipe holds on stderr", argv: sh("i=0; while [ $i -lt 5000 ]; do echo line-$i >&2; i=$((i+1)); done"), wantLines: 5000},
		{name: "slow program, read as it comes", argv: sh("echo a; sleep 0.1; echo b"), wantStdout: "a\nb\n"},
		{name: "stdout to the log", argv: sh("echo one; echo two"), stdoutLog: true, wantLines: 2},
		{name: "last line without newline", argv: sh("printf 'no newline' >&2"), wantLines: 1},
		{name: "exit status and stderr tail", argv: sh("echo why >&2; exit 4"), wantLines: 1, wantErr: "exit status 4; stderr ends:\nwhy", wantExit: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			res, err := Run(context.Background(), Command(tt.argv[0], tt.argv[1:]...), Options{Log: slog.New(rec), StdoutToLog: tt.stdoutLog})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Fatalf("error %q, want %q", err, tt.wantErr)
			}
			if string(res.Stdout) != tt.wantStdout {
				t.Errorf("stdout is %d bytes, want %d", len(res.Stdout), len(tt.wantStdout))
			}
			if lines, _ := rec.snapshot(); len(lines) != tt.wantLines {
				t.Errorf("logged %d lines, want %d: %q", len(lines), tt.wantLines, lines)
			}
			if res.ExitCode != tt.wantExit {
				t.Errorf("exit code %d, want %d", res.ExitCode, tt.wantExit)
			}
		})
	}
}

// A long-running program's stderr reaches the log while it runs, not when
// it ends.
func TestRunLogsAsItGoes(t *testing.T) {
	rec := &recorder{}
	start := time.Now()
	_, err := Run(context.Background(), Command("/bin/sh", "-c", "echo early >&2; sleep 1; echo late >&2"), Options{Log: slog.New(rec)})
	if err != nil {
		t.Fatal(err)
	}
	lines, at := rec.snapshot()
	if len(lines) != 2 || lines[0] != "early" {
		t.Fatalf("lines %q", lines)
	}
	if d := at[0].Sub(start); d > 700*time.Millisecond {
		t.Errorf("the first line was logged %v after the start, at the end of the program", d)
	}
}

// A process that leaves its group and keeps the pipes open must not hold
// the node: Run returns with what was written.
func TestRunEscapedChildHoldsThePipe(t *testing.T) {
	for _, name := range []string{"quick", "slow"} {
		t.Run(name, func(t *testing.T) {
			pause := ""
			if name == "slow" {
				pause = "sleep 0.1;" // the streams are read live by then
			}
			script := pause + "echo done; setsid sleep 5 & exit 0"
			start := time.Now()
			res, err := Run(context.Background(), Command("/bin/sh", "-c", script), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Stdout) != "done\n" {
				t.Errorf("stdout %q", res.Stdout)
			}
			if d := time.Since(start); d > StopDelay+2*time.Second {
				t.Errorf("Run took %v with an escaped child holding the pipe", d)
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(errors.New("time-out")) })
	start := time.Now()
	// The trap ignores SIGTERM, so only SIGKILL after StopDelay ends it.
	_, err := Run(ctx, Command("/bin/sh", "-c", "trap '' TERM; echo up >&2; sleep 30; sleep 30"), Options{})
	if err == nil || !strings.Contains(err.Error(), "killed: time-out") {
		t.Fatalf("error %v, want killed: time-out", err)
	}
	if d := time.Since(start); d > StopDelay+2*time.Second {
		t.Errorf("Run took %v after cancellation", d)
	}
}

// A program killed at its time-out says what it wrote last, as a failed
// one does: most often why it hung.
func TestRunCancelSaysStderrEnd(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "up")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		for range 500 { // until the program has written its line
			if _, err := os.Stat(marker); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel(errors.New("timed out after 1s"))
	}()
	_, err := Run(ctx, Command("/bin/sh", "-c", "echo about to hang >&2; touch "+marker+"; exec sleep 30"), Options{})
	if err == nil || err.Error() != "killed: timed out after 1s; stderr ends:\nabout to hang" {
		t.Fatalf("error %q, want it killed, with the end of its stderr", err)
	}
}

func TestRunNotStartedWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, Command("true"), Options{}); err == nil || !strings.Contains(err.Error(), "not started") {
		t.Fatalf("error %v", err)
	}
}

func TestRunMissingProgram(t *testing.T) {
	if _, err := Run(context.Background(), Command("no-such-program-pipe"), Options{}); err == nil {
		t.Fatal("no error")
	}
}

// Past pollAbove programs at once, Run waits through the poller: every
// program still gets its own output and exit code.
func TestRunManyAtOnce(t *testing.T) {
	n := int(pollAbove()) + 8
	type result struct {
		res Result
		err error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	for k := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			script := fmt.Sprintf("sleep 0.3; echo %d; exit %d", k, k%3)
			res, err := Run(context.Background(), Command("/bin/sh", "-c", script), Options{})
			results[k] = result{res, err}
		}()
	}
	wg.Wait()
	for k, r := range results {
		if got := strings.TrimSpace(string(r.res.Stdout)); got != fmt.Sprint(k) {
			t.Errorf("program %d: stdout %q", k, got)
		}
		if r.res.ExitCode != k%3 || (r.err != nil) != (k%3 != 0) {
			t.Errorf("program %d: exit code %d, err %v", k, r.res.ExitCode, r.err)
		}
	}
}
