package main

import (
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"

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

// exitOnSignal makes the first SIGINT or SIGTERM end pipe at once with the
// interrupted exit code. The returned func stops listening.
//
// A closed output (pipe logs | head) does not kill pipe (SIGPIPE, exit
// 141, which Go does at a write to a closed stdout or stderr when nothing
// listens for it): the write fails (EPIPE) and the command ends, exit 0
// and quietly (see closedOutput), as pipe run does when its output closes
// after the run has ended.
func exitOnSignal(say func(string)) func() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	pipes := make(chan os.Signal, 1) // never read: a full channel drops the rest
	signal.Notify(pipes, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			say("interrupted")
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		signal.Stop(pipes)
		close(done)
	}
}

// closedOutput reports whether err is a write to pipe's stdout or stderr
// that nobody reads any more: the command has nobody left to tell.
func closedOutput(err error) bool {
	return errors.Is(err, syscall.EPIPE) && outputClosed()
}
