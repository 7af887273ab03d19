package main

import (
	"errors"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
)

// interruptible reports whether the chosen command stops by itself when
// its context ends: `pipe run` cancels its nodes and writes the record.
// The others (validate, graph, ...) hold nothing to clean up and exit at
// the first signal.
func interruptible(kctx *kong.Context) bool {
	cmd := kctx.Command()
	return strings.HasPrefix(cmd, "run ") || strings.HasPrefix(cmd, "worker") || strings.HasPrefix(cmd, "status ")
}

// catchClosedOutput keeps a closed output (pipe logs | head, pipe --help
// | head -1) from killing pipe: Go ends a program with SIGPIPE, exit 141,
// at a write to a closed stdout or stderr when nothing listens for it.
// Listened for, the write fails (EPIPE) and the command ends, exit 0 and
// quietly (see closedOutput), as pipe run does when its output closes
// after the run has ended. It is set before the command line is parsed:
// --help and --version print while kong parses. The returned func stops
// listening.
func catchClosedOutput() func() {
	pipes := make(chan os.Signal, 1) // never read: a full channel drops the rest
	signal.Notify(pipes, syscall.SIGPIPE)
	return func() { signal.Stop(pipes) }
}

// exiter makes the first SIGINT or SIGTERM end pipe at once with the
// interrupted exit code, once armed: while a command reads its pipeline
// (standard input or a FIFO waits on its writer), and for the whole of a
// command that holds nothing to clean up. It is armed only when needed
// and handed over, not stopped and started again: each signal.Notify and
// signal.Stop that changes which signals are caught waits for the
// runtime's signal thread (Notify and Stop of two signals took 0.07-0.8
// ms in a program of its own here), and a listener around the read of
// the file, stopped, then another until the run starts, made pipe run
// wait on that thread four more times than one listener handed over.
type exiter struct {
	say   atomic.Pointer[func(string)]
	sigs  chan os.Signal
	done  chan struct{}
	armed bool
}

func newExiter(say func(string)) *exiter {
	x := &exiter{}
	x.sayWith(say)
	return x
}

// sayWith has x say what it does through say from now on.
func (x *exiter) sayWith(say func(string)) { x.say.Store(&say) }

// arm starts listening, while it is not (after stop, again).
func (x *exiter) arm() {
	if x.armed {
		return
	}
	x.armed = true
	sigs, done := make(chan os.Signal, 1), make(chan struct{})
	x.sigs, x.done = sigs, done
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-sigs:
			(*x.say.Load())("interrupted")
			killChildren()
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
}

// stop stops listening and ends the goroutine; unarmed or again, it does
// nothing. Stopped after another listener started, it leaves no moment
// where a signal finds none.
func (x *exiter) stop() {
	if !x.armed {
		return
	}
	x.armed = false
	signal.Stop(x.sigs)
	close(x.done)
}

// closedOutput reports whether err is a write to pipe's stdout or stderr
// that nobody reads any more: the command has nobody left to tell.
func closedOutput(err error) bool {
	return errors.Is(err, syscall.EPIPE) && outputClosed()
}

// echoWindow is how soon after a signal the same signal again is the same
// interrupt, sent twice, not a second one. coreutils timeout (without
// --foreground) signals pipe and then its whole process group, pipe
// included: pipe gets the one time-out twice within microseconds; a
// closed terminal's SIGHUP can come from the kernel and from the shell.
// 50 ms leaves room for a loaded machine (a goroutine may wait a few 10 ms
// scheduler slices to read the second) and loses no person's second
// Ctrl-C: the fastest repeated press of a key is about 100 ms apart, and a
// held key repeats only after a delay of 200 ms or more.
const echoWindow = 50 * time.Millisecond

// echoes tells the repeats of a signal, within echoWindow, from new
// signals. The window runs from the signal that counted, not from its
// last repeat: a later press is never swallowed by a stream of echoes.
type echoes struct {
	last os.Signal // the last signal that counted
	at   time.Time // when it came
}

// echo reports whether sig, come at now, repeats the last signal that
// counted; if not, sig is the one that counts from now on.
func (e *echoes) echo(sig os.Signal, now time.Time) bool {
	if e.last == sig && now.Sub(e.at) < echoWindow {
		return true
	}
	e.last, e.at = sig, now
	return false
}
