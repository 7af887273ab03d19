package main

import (
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
func exitOnSignal(say func(string)) func() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
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
		close(done)
	}
}
