package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/muesli/termenv"
)

// plainLog writes what charmbracelet/log writes without colour, byte for
// byte, for the lines it takes and for those it hands back.
func TestPlainLogWritesAsCharm(t *testing.T) {
	at := time.Date(2026, 11, 26, 17, 39, 12, 0, time.Local)
	tests := []struct {
		name   string
		level  slog.Level
		prefix string
		with   []any
		msg    string
		args   []any
	}{
		{"started", slog.LevelInfo, "n0", nil, "started", []any{"module", "exec"}},
		{"done", slog.LevelInfo, "n0", nil, "done", []any{"in", 2 * time.Millisecond, "message", "exit 0"}},
		{"no prefix", slog.LevelWarn, "", nil, "recovered a run", []any{"run", "r1", "lost", 3}},
		{"error level", slog.LevelError, "fit", nil, "failed", []any{"err", errors.New(`exit status 1; "x"`)}},
		{"debug", slog.LevelDebug, "a", nil, "base directory", []any{"dir", "/tmp/x y"}},
		{"quotes and equals", slog.LevelInfo, "a", nil, "m", []any{"q", `say "hi"`, "eq", "a=b", "both", `a="b c"`}},
		{"empty value", slog.LevelInfo, "a", nil, "m", []any{"empty", "", "zero", 0, "no", false}},
		{"empty message", slog.LevelInfo, "a", nil, "", []any{"k", "v"}},
		{"empty key", slog.LevelInfo, "a", nil, "m", []any{slog.String("", "v"), "k", "v"}},
		{"with", slog.LevelInfo, "a", []any{"node", "a", "try", 2}, "m", []any{"k", 1.5}},
		{"any values", slog.LevelInfo, "a", nil, "m", []any{"list", []string{"x", "y"}, "map", map[string]int{"a": 1}, "nil", nil}},
		{"group", slog.LevelInfo, "a", nil, "m", []any{slog.Group("g", "x", 1, "y", "two words")}},
		// Not plain: handed to charmbracelet/log.
		{"tab", slog.LevelInfo, "a", nil, "a\tb", []any{"k", "v\tw"}},
		{"newline in value", slog.LevelInfo, "a", nil, "m", []any{"out", "line 1\nline 2", "k", "v"}},
		{"newline in message", slog.LevelInfo, "a", nil, "one\ntwo", nil},
		{"unicode", slog.LevelInfo, "nœud", nil, "café · ok", []any{"k", "é"}},
		{"control", slog.LevelInfo, "a", nil, "m", []any{"k", "a\x1b[31mred"}},
		{"other level", slog.Level(2), "a", nil, "m", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got bytes.Buffer
			charm := log.NewWithOptions(plainWriter{&want}, log.Options{ReportTimestamp: true, TimeFormat: time.TimeOnly, Level: log.DebugLevel})
			charm.SetColorProfile(termenv.Ascii)
			charmSlog := slog.New(charm.WithPrefix(tt.prefix).With(tt.with...))
			base := log.NewWithOptions(plainWriter{&got}, log.Options{ReportTimestamp: true, TimeFormat: time.TimeOnly, Level: log.DebugLevel})
			base.SetColorProfile(termenv.Ascii)
			plainSlog := slog.New(newPlainLog(&got, &sync.Mutex{}, base, tt.prefix)).With(tt.with...)
			for _, l := range []*slog.Logger{charmSlog, plainSlog} {
				rec := slog.NewRecord(at, tt.level, tt.msg, 0)
				rec.Add(tt.args...)
				if err := l.Handler().Handle(context.Background(), rec); err != nil {
					t.Fatal(err)
				}
			}
			if got.String() != want.String() {
				t.Errorf("plainLog wrote\n%q\ncharmbracelet/log\n%q", got.String(), want.String())
			}
		})
	}
}

// Only plain lines take the fast path: a test above that passes through
// charmbracelet/log proves nothing about plainLog's own writing.
func TestPlainLogTakesPlainLines(t *testing.T) {
	base := log.New(&bytes.Buffer{})
	p := newPlainLog(&bytes.Buffer{}, &sync.Mutex{}, base, "n0")
	for _, tc := range []struct {
		msg   string
		args  []any
		plain bool
	}{
		{"done", []any{"in", time.Millisecond, "message", "exit 0"}, true},
		{"done", []any{"message", "a\tb"}, false},
		{"é", nil, false},
	} {
		rec := slog.NewRecord(time.Now(), slog.LevelInfo, tc.msg, 0)
		rec.Add(tc.args...)
		if _, ok := p.format(rec); ok != tc.plain {
			t.Errorf("%s %v: plain %v, want %v", tc.msg, tc.args, ok, tc.plain)
		}
	}
}

func BenchmarkNodeLogLine(b *testing.B) {
	for _, fast := range []bool{false, true} {
		b.Run(fmt.Sprint(map[bool]string{false: "charmbracelet", true: "plain"}[fast]), func(b *testing.B) {
			var out strings.Builder
			base := log.NewWithOptions(plainWriter{&out}, log.Options{ReportTimestamp: true, TimeFormat: time.TimeOnly})
			base.SetColorProfile(termenv.Ascii)
			var h slog.Handler = base.WithPrefix("n0")
			if fast {
				h = newPlainLog(&out, &sync.Mutex{}, base, "n0")
			}
			l := slog.New(h)
			for b.Loop() {
				out.Reset()
				l.Info("done", "in", 2*time.Millisecond, "message", "exit 0")
			}
		})
	}
}
