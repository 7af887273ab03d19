package main

import (
	"errors"
	"os"
	"os/signal"
	"strings"
	"sync"
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

// exitOnSignal makes the first SIGINT or SIGTERM end pipe at once with the
// interrupted exit code. The returned func stops listening.
func exitOnSignal(say func(string)) func() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			say("interrupted")
			killChildren()
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// untilStarted has the first signal end pipe run at once (exitOnSignal)
// while it reads its pipeline, and cancel the run (the listener start
// returns) once it calls e.started: reading a pipeline from a terminal or
// a pipe waits on its writer, and nothing is started yet that a signal
// must stop and record. The listener starts before the first stops, so
// that no signal finds none. The returned func stops listening.
func untilStarted(e *env, say func(string), start func() func()) func() {
	stopEarly := exitOnSignal(say)
	stopLate := func() {}
	e.started = sync.OnceFunc(func() {
		stopLate = start()
		stopEarly()
	})
	return func() {
		e.started()
		stopLate()
	}
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
