package proc

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
)

// BenchmarkRunTrue is proc's cost per program: start `true` through the
// gate, wait for it, read its (empty) output.
func BenchmarkRunTrue(b *testing.B) {
	for b.Loop() {
		if _, err := Run(context.Background(), Command("true"), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrack is what the watchdog adds to each program: listing its
// group as it starts and taking it off as it ends (two 5-byte writes to
// the watchdog's pipe, under a mutex).
func BenchmarkTrack(b *testing.B) {
	cmd := Command("sleep", "60")
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = signalGroup(cmd, sigKill); _ = cmd.Wait() }()
	track(cmd) // starts the watchdog, once
	untrack(cmd)
	for b.Loop() {
		track(cmd)
		untrack(cmd)
	}
}

// BenchmarkLineLog is the cost of a chatty program's output per line: a
// 64 KiB write of 2-byte lines (yes) logged through a handler that drops
// them, as the node's log and the live output do.
func BenchmarkLineLog(b *testing.B) {
	chunk := bytes.Repeat([]byte("y\n"), 32<<10)
	l := &lineLog{log: slog.New(discardHandler{}), level: slog.LevelInfo, stream: "stdout"}
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		if _, err := l.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
}

type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (h discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h discardHandler) WithGroup(string) slog.Handler           { return h }
