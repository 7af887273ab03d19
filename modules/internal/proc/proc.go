// Package proc runs an external program for a node: in its own process
// group, killed whole when the node's context ends, with stderr sent to the
// node's log and its tail kept for the error message.
package proc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// StopDelay is how long a program has between SIGTERM and SIGKILL.
const StopDelay = time.Second

// Result is what a finished program left.
type Result struct {
	// Stdout is what the program wrote to stdout: all of it up to
	// MaxStdout bytes, else its first HeadKeep bytes.
	Stdout []byte
	// StdoutSize is how many bytes the program wrote to stdout.
	StdoutSize int64
	// StdoutTail is the last TailKeep bytes of a stdout larger than
	// MaxStdout; nil otherwise.
	StdoutTail []byte
	ExitCode   int
	// StderrTail is the last lines the program wrote to stderr.
	StderrTail string
	// LogCut is set when the log file reached MaxLog: it does not hold
	// the whole output.
	LogCut bool
}

// StdoutCut reports whether Stdout is only the start of the output.
func (r *Result) StdoutCut() bool { return r.StdoutTail != nil }

// Options say how Run treats a program.
type Options struct {
	// Log gets the program's stderr, a line at a time.
	Log *slog.Logger
	// StdoutToLog sends stdout to Log too, instead of keeping it.
	StdoutToLog bool
	// EchoStdout sends stdout to Log a line at a time, and keeps it too.
	EchoStdout bool
	// Priority orders programs waiting to start (see modules.Input).
	Priority int
	// LogFile, when set, is the file stdout and stderr are appended to,
	// whole up to MaxLog, a line at a time with the time and the stream.
	LogFile string
	// Mask lists values (secrets) written as *** in the log file.
	Mask []string
}

// Run runs cmd to the end. When ctx ends, the whole process group gets
// SIGTERM, then SIGKILL after StopDelay; so does any process the program
// left behind when it exits.
//
// cmd must not have a Context of its own (use Command): os/exec would watch
// it with a goroutine per process, a wake-up on the path of every node.
func Run(ctx context.Context, cmd *exec.Cmd, opts Options) (Result, error) {
	if ctx.Err() != nil {
		return Result{ExitCode: -1}, fmt.Errorf("not started: %w", context.Cause(ctx))
	}
	mask := newMasker(opts.Mask)
	// One allocation for both streams' line loggers: most programs print
	// nothing, and a node should not pay for what it does not use.
	lines := &struct {
		stderr, stdout lineLog
		echo           both
	}{}
	tail := &lines.stderr
	*tail = lineLog{log: opts.Log, level: slog.LevelInfo, stream: "stderr", mask: mask}
	var stdout capture
	var stdoutLog *lineLog
	var stdoutSink, stderrSink io.Writer = &stdout, tail
	if opts.StdoutToLog || opts.EchoStdout {
		stdoutLog = &lines.stdout
		*stdoutLog = lineLog{log: opts.Log, level: slog.LevelInfo, stream: "stdout", mask: mask}
		stdoutSink = stdoutLog
		if opts.EchoStdout && !opts.StdoutToLog {
			lines.echo = both{&stdout, stdoutLog}
			stdoutSink = &lines.echo
		}
	}
	var file *logFile
	if opts.LogFile != "" {
		file = &logFile{path: opts.LogFile, log: opts.Log, mask: mask}
		stdoutSink = &tee{keep: stdoutSink, log: file, stream: stdoutStream}
		stderrSink = &tee{keep: tail, log: file, stream: stderrStream}
	}
	setProcessGroup(cmd)
	cmd.WaitDelay = StopDelay // bounds the copying of a stdin reader
	out, err := start(ctx, cmd, opts.Priority, stdoutSink, stderrSink)
	if err != nil {
		return Result{ExitCode: -1}, err
	}
	exited := make(chan struct{})
	stopWatching := context.AfterFunc(ctx, func() { stopGroup(cmd, exited) })
	if running.Add(1) > pollAbove() {
		awaitExit(cmd.Process)
	}
	err = cmd.Wait()
	running.Add(-1)
	close(exited)
	stopWatching()
	// Whatever the program left running in its group dies with the node.
	_ = signalGroup(cmd, sigKill)
	untrack(cmd)
	out.finish()
	if stdoutLog != nil {
		stdoutLog.flush()
	}
	tail.flush()
	res := Result{Stdout: stdout.head, StdoutSize: stdout.size, StderrTail: tail.tail(), ExitCode: cmd.ProcessState.ExitCode()}
	if stdout.cut() {
		res.StdoutTail = stdout.tail.bytes()
	}
	res.LogCut = file.close()
	if ctx.Err() != nil {
		// What it wrote last is most often why it hung: said as for a
		// failure.
		if res.StderrTail != "" {
			return res, fmt.Errorf("killed: %w; stderr ends:\n%s", context.Cause(ctx), res.StderrTail)
		}
		return res, fmt.Errorf("killed: %w", context.Cause(ctx))
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%s", ee.ProcessState.String())
		}
		if res.StderrTail != "" {
			return res, fmt.Errorf("%w; stderr ends:\n%s", err, res.StderrTail)
		}
		return res, err
	}
	return res, nil
}

// start starts cmd, through the gate when many start at once (startGate).
// The pipes are made once begin lets it go: every program started copies
// the table of open files and closes it again, so pipes made by programs
// still waiting would make each start slower.
func start(ctx context.Context, cmd *exec.Cmd, priority int, stdout, stderr io.Writer) (*output, error) {
	gated, err := starts.begin(ctx, priority)
	if err != nil {
		return nil, fmt.Errorf("not started: %w", context.Cause(ctx))
	}
	defer starts.end(gated)
	out, err := attachOutput(cmd, stdout, stderr)
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		out.abort()
		return nil, startError(cmd, err)
	}
	out.started()
	track(cmd)
	return out, nil
}

// running counts the programs Run is waiting for, in the whole process.
var running atomic.Int32

// pollAbove is how many programs may run at once before Run waits for the
// next ones through the poller (awaitExit) instead of a thread each. A
// thread blocked in waitid hears of the exit soonest: a chain of short
// programs is 7% faster that way (BenchmarkRunExecChain). But hundreds of
// programs started at once would need as many new threads; past a few per
// core, the poller's extra wake-up is the smaller cost.
func pollAbove() int32 { return int32(4 * runtime.GOMAXPROCS(0)) }

// stopGroup asks the program's group to stop, and kills it if the program
// has not exited after StopDelay.
func stopGroup(cmd *exec.Cmd, exited <-chan struct{}) {
	_ = signalGroup(cmd, sigTerm)
	t := time.NewTimer(StopDelay)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		_ = signalGroup(cmd, sigKill)
	}
}

const tailLines = 20

// lineLog logs what a program writes, a line at a time, and keeps the last
// lines for the error message.
type lineLog struct {
	mu     sync.Mutex // guards the fields below: os/exec may write from its copying goroutine
	log    *slog.Logger
	level  slog.Level
	stream string
	mask   *masker // nil: nothing to mask
	part   []byte
	last   []string
	// now is the time of the lines being logged: one reading of the clock
	// for all the lines of one Write, which came at once.
	now time.Time
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	l.now = time.Time{}
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.part = append(l.part, p...)
			if len(l.part) > maxLine { // a very long line without a newline
				if l.mask == nil {
					l.line(l.part)
					l.part = l.part[:0]
				} else {
					now, wait := l.mask.split(l.part)
					l.line(now)
					l.part = append(l.part[:0], wait...)
				}
			}
			break
		}
		if len(l.part) > 0 {
			l.part = append(l.part, p[:i]...)
			l.line(l.part)
			l.part = l.part[:0]
		} else {
			l.line(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

// maxLine is where a line without a newline is cut.
const maxLine = 64 << 10

// maxTailLine bounds each line kept for the error message.
const maxTailLine = 2 << 10

func (l *lineLog) line(b []byte) {
	s := l.mask.apply(string(bytes.TrimRight(b, "\r")))
	if l.log != nil {
		// Through the handler: Logger.Log reads the caller's program
		// counter (a fifth of the cost of a line of a chatty program)
		// and the clock for every line.
		if h := l.log.Handler(); h.Enabled(context.Background(), l.level) {
			if l.now.IsZero() {
				l.now = time.Now()
			}
			r := slog.NewRecord(l.now, l.level, s, 0)
			r.AddAttrs(slog.String(modules.StreamAttr, l.stream))
			_ = h.Handle(context.Background(), r)
		}
	}
	if len(s) > maxTailLine {
		s = strings.ToValidUTF8(s[:maxTailLine], "") + " [...]"
	}
	l.last = append(l.last, s)
	if len(l.last) > tailLines {
		l.last = l.last[len(l.last)-tailLines:]
	}
}

func (l *lineLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = time.Time{}
	if len(l.part) > 0 {
		l.line(l.part)
		l.part = nil
	}
}

func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.last, "\n")
}

// both writes to two writers. It has no ReadFrom: the capture's bound must
// see every write.
type both [2]io.Writer

func (b *both) Write(p []byte) (int, error) {
	_, _ = b[0].Write(p)
	return b[1].Write(p)
}
