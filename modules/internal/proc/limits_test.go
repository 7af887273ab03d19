package proc

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The sinks must have no ReadFrom: io.Copy, in os/exec or anywhere, would
// call it and skip their bounds (the bug of a bytes.Buffer embedded in the
// stdout sink).
func TestSinksHaveNoReadFrom(t *testing.T) {
	for name, w := range map[string]io.Writer{"capture": &capture{}, "lineLog": &lineLog{}, "tee": &tee{}} {
		if _, ok := w.(io.ReaderFrom); ok {
			t.Errorf("%s implements io.ReaderFrom", name)
		}
	}
}

func TestCapture(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		chunk int
	}{
		{name: "small", size: 1000, chunk: 100},
		{name: "exactly the limit", size: MaxStdout, chunk: 32 << 10},
		{name: "one byte over", size: MaxStdout + 1, chunk: 32 << 10},
		{name: "far over, pipe-sized chunks", size: 3*MaxStdout + 12345, chunk: 32 << 10},
		{name: "far over, odd chunks", size: 2*MaxStdout + 7, chunk: 4099},
		{name: "one huge write", size: 2 * MaxStdout, chunk: 2 * MaxStdout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := make([]byte, tt.size)
			for i := range all {
				all[i] = byte('a' + i%26)
			}
			var c capture
			for p := all; len(p) > 0; {
				n := min(tt.chunk, len(p))
				c.Write(p[:n])
				p = p[n:]
			}
			if c.size != int64(tt.size) {
				t.Errorf("size %d, want %d", c.size, tt.size)
			}
			if tt.size <= MaxStdout {
				if c.cut() || !bytes.Equal(c.head, all) {
					t.Fatalf("cut %v, head %d bytes: want the whole %d", c.cut(), len(c.head), tt.size)
				}
				return
			}
			if !c.cut() || !bytes.Equal(c.head, all[:HeadKeep]) || cap(c.head) > HeadKeep {
				t.Errorf("head %d bytes (cap %d), want the first %d", len(c.head), cap(c.head), HeadKeep)
			}
			if tail := c.tail.bytes(); !bytes.Equal(tail, all[len(all)-TailKeep:]) {
				t.Errorf("tail %d bytes, not the last %d", len(tail), TailKeep)
			}
		})
	}
}

// A program that writes past the limit after it has been running for a
// while is read live (past liveAfter): the limit must hold there too.
func TestRunStdoutBounded(t *testing.T) {
	const size = 3 * MaxStdout
	tests := []struct {
		name string
		argv []string
	}{
		{name: "read after exit", argv: sh("head -c 12582912 /dev/zero")},
		{name: "read live", argv: sh("sleep 0.1; head -c 12582912 /dev/zero")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), Command(tt.argv[0], tt.argv[1:]...), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.StdoutSize != size || !res.StdoutCut() {
				t.Errorf("size %d, cut %v: want %d, cut", res.StdoutSize, res.StdoutCut(), size)
			}
			if len(res.Stdout) != HeadKeep || len(res.StdoutTail) != TailKeep {
				t.Errorf("kept %d + %d bytes, want %d + %d", len(res.Stdout), len(res.StdoutTail), HeadKeep, TailKeep)
			}
		})
	}
}

func TestRunLogFile(t *testing.T) {
	stamp := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z `
	tests := []struct {
		name  string
		argv  []string
		lines []string // regexps, one a line
	}{
		{name: "both streams, in order", argv: sh("echo out; sleep 0.05; echo err >&2; sleep 0.05; printf 'no newline'"),
			lines: []string{stamp + "stdout out", stamp + "stderr err", stamp + "stdout no newline"}},
		{name: "many lines", argv: sh("seq 3"), lines: []string{stamp + "stdout 1", stamp + "stdout 2", stamp + "stdout 3"}},
		{name: "nothing printed, no file", argv: sh("true")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "run", "n.log")
			res, err := Run(context.Background(), Command(tt.argv[0], tt.argv[1:]...), Options{LogFile: path})
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(path)
			if tt.lines == nil {
				if _, serr := os.Stat(filepath.Dir(path)); serr == nil {
					t.Errorf("a program that printed nothing made the log directory")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if len(got) != len(tt.lines) {
				t.Fatalf("log file:\n%s\nwant %d lines", data, len(tt.lines))
			}
			for i, re := range tt.lines {
				if !regexp.MustCompile("^" + re + "$").MatchString(got[i]) {
					t.Errorf("line %d %q, want %s", i+1, got[i], re)
				}
			}
			if res.LogCut {
				t.Error("LogCut set")
			}
			if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
				t.Errorf("log file mode %v, want 0600 (output may hold secrets)", info.Mode().Perm())
			}
		})
	}
}

// An endless writer fills the log file to its bound, then the rest is
// dropped while the program runs on until its time-out.
func TestRunLogFileBounded(t *testing.T) {
	defer func(old int64) { maxLog = old }(maxLog)
	maxLog = 1 << 20
	tests := []struct {
		name string
		argv []string
	}{
		{name: "stdout", argv: []string{"yes"}},
		{name: "stderr", argv: sh("yes >&2")},
		{name: "long lines", argv: sh("yes $(head -c 5000 /dev/zero | tr '\\0' x)")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "n.log")
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			res, err := Run(ctx, Command(tt.argv[0], tt.argv[1:]...), Options{LogFile: path})
			if err == nil || !strings.Contains(err.Error(), "killed") {
				t.Fatalf("error %v, want killed at the time-out", err)
			}
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if info.Size() > maxLog {
				t.Errorf("log file is %d bytes, over its bound of %d", info.Size(), maxLog)
			}
			data, _ := os.ReadFile(path)
			if !res.LogCut || !bytes.HasSuffix(data, []byte("\n[pipe: output cut at 1 MiB]\n")) {
				t.Errorf("LogCut %v; log file ends %q", res.LogCut, data[max(0, len(data)-80):])
			}
			// A retry appends to the full file, and adds nothing.
			res, _ = Run(context.Background(), Command("echo", "again"), Options{LogFile: path})
			if after, _ := os.Stat(path); after.Size() != info.Size() || !res.LogCut {
				t.Errorf("a second attempt grew the full log file from %d to %d bytes", info.Size(), after.Size())
			}
		})
	}
}

// A program's stderr goes to the node's log a line at a time; nothing it
// writes makes the tail kept for the error message grow past its bound.
func TestLineLogBounded(t *testing.T) {
	l := &lineLog{log: slog.New(slog.DiscardHandler)}
	long := bytes.Repeat([]byte("z"), 5*maxLine)
	for range 3 {
		l.Write(long)
		l.Write([]byte("\n"))
	}
	if cap(l.part) > 2*maxLine+len(long) {
		t.Errorf("partial line buffer holds %d bytes", cap(l.part))
	}
	if tail := l.tail(); len(tail) > tailLines*(maxTailLine+8) {
		t.Errorf("the tail is %d bytes", len(tail))
	}
}
