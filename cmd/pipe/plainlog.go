package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"
)

// plainLog writes a node's text log lines in charmbracelet/log's layout,
// as it writes them without colour (`15:04:05 INFO node: msg key=value`),
// without lipgloss: rendering each part of a line through a style, even an
// empty one, cost 30 us a line, and a node logs two (started, done), about
// a tenth of the CPU pipe spends per program. It is used only where the log
// is not a terminal, and only for lines of printable ASCII at the levels
// charmbracelet/log names: any other line goes to the charmbracelet logger
// (slow). TestPlainLogWritesAsCharm holds the two to the same bytes.
type plainLog struct {
	w      io.Writer
	mu     *sync.Mutex // shared by a logs' plainLogs: one Write per line
	level  slog.Level
	prefix string
	attrs  []slog.Attr
	// slow makes the charmbracelet logger with the same prefix and
	// attributes, on first use.
	slow func() slog.Handler
}

func newPlainLog(w io.Writer, mu *sync.Mutex, base *log.Logger, prefix string) *plainLog {
	return &plainLog{w: w, mu: mu, level: slog.Level(base.GetLevel()), prefix: prefix,
		slow: sync.OnceValue(func() slog.Handler { return base.WithPrefix(prefix) })}
}

func (p *plainLog) Enabled(_ context.Context, level slog.Level) bool { return level >= p.level }

// levelNames are the levels as charmbracelet/log writes them.
var levelNames = map[slog.Level]string{
	slog.LevelDebug: "DEBU", slog.LevelInfo: "INFO", slog.LevelWarn: "WARN", slog.LevelError: "ERRO", slog.Level(log.FatalLevel): "FATA",
}

func (p *plainLog) Handle(ctx context.Context, rec slog.Record) error {
	if !p.Enabled(ctx, rec.Level) {
		return nil
	}
	line, ok := p.format(rec)
	if !ok {
		return p.slowHandler().Handle(ctx, rec)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, err := p.w.Write(line)
	return err
}

// format writes rec's line, or reports that it is not plain.
func (p *plainLog) format(rec slog.Record) ([]byte, bool) {
	lvl, ok := levelNames[rec.Level]
	if !ok || rec.Time.IsZero() || !plain(p.prefix) || !plain(rec.Message) {
		return nil, false
	}
	b := make([]byte, 0, 128)
	b = rec.Time.AppendFormat(b, time.TimeOnly)
	b = append(b, ' ')
	b = append(b, lvl...)
	if p.prefix != "" {
		b = append(b, ' ')
		b = append(b, p.prefix...)
		b = append(b, ':')
	}
	if rec.Message != "" {
		b = append(b, ' ')
		b = append(b, rec.Message...)
	}
	for _, a := range p.attrs {
		if b, ok = appendAttr(b, a); !ok {
			return nil, false
		}
	}
	rec.Attrs(func(a slog.Attr) bool {
		b, ok = appendAttr(b, a)
		return ok
	})
	if !ok {
		return nil, false
	}
	return append(b, '\n'), true
}

// appendAttr writes key=value as charmbracelet/log does: the value as fmt
// prints a slog.Value (its String), quoted when it holds a space, a quote
// or an equals sign.
func appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if a.Key == "" {
		return b, true
	}
	val := a.Value.String()
	if !plain(a.Key) || !plain(val) {
		return b, false
	}
	b = append(b, ' ')
	b = append(b, a.Key...)
	b = append(b, '=')
	switch {
	case val == "":
		b = append(b, `""`...)
	case strings.ContainsAny(val, ` "=`):
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(val, `"`, `\"`)...)
		b = append(b, '"')
	default:
		b = append(b, val...)
	}
	return b, true
}

// plain reports whether s is printable ASCII only, where lipgloss, without
// colour, writes it as it is (it turns tabs into spaces and pads lines).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

func (p *plainLog) slowHandler() slog.Handler {
	h := p.slow()
	if len(p.attrs) > 0 {
		h = h.WithAttrs(p.attrs)
	}
	return h
}

func (p *plainLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	q := *p
	q.attrs = append(p.attrs[:len(p.attrs):len(p.attrs)], attrs...)
	return &q
}

// WithGroup goes to charmbracelet/log, which makes a group a prefix.
func (p *plainLog) WithGroup(name string) slog.Handler { return p.slowHandler().WithGroup(name) }
