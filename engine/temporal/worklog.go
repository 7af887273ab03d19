package temporal

import (
	"context"
	"log/slog"
	"sync"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// maxWorkerEcho bounds what of one attempt's program output a worker
// prints: its log serves every run the worker takes, and the whole output
// is in the node's log file on the worker.
const maxWorkerEcho = 64 << 10

// attemptLogger returns the logger of one node attempt on this worker:
// each line names its run and node, and the program's output past
// maxWorkerEcho is left to the node's log file.
func (a *Activities) attemptLogger(t engine.Task) *slog.Logger {
	log := a.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	attrs := []slog.Attr{slog.String("run", t.Run), slog.String("node", t.Node)}
	if t.Attempt > 1 {
		attrs = append(attrs, slog.Int("attempt", t.Attempt))
	}
	h := log.Handler().WithAttrs(attrs)
	return slog.New(&echoCap{Handler: h, c: &echoCount{left: maxWorkerEcho, file: t.LogFile}})
}

// echoCount is what an attempt may still print; shared by the handlers
// WithAttrs derives.
type echoCount struct {
	mu   sync.Mutex
	left int
	told bool
	file string
}

// take reports whether a line of n bytes is printed, and whether it is
// the first one that is not (to say where the rest is).
func (c *echoCount) take(n int) (show, first bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left >= n {
		c.left -= n
		return true, false
	}
	c.left = 0
	first, c.told = !c.told, true
	return false, first
}

// echoCap passes the lines of a program's output (records with a
// "stream" attribute) while its count allows, and every other record.
type echoCap struct {
	slog.Handler
	c *echoCount
}

func (h *echoCap) Handle(ctx context.Context, rec slog.Record) error {
	if modules.LineStream(rec) == "" {
		return h.Handler.Handle(ctx, rec)
	}
	show, first := h.c.take(len(rec.Message) + 1)
	if show {
		return h.Handler.Handle(ctx, rec)
	}
	if !first {
		return nil
	}
	where := "in the node's log file on this worker"
	if h.c.file != "" {
		where += ": " + h.c.file
	}
	more := slog.NewRecord(rec.Time, rec.Level, "... (the rest of the output is "+where+")", rec.PC)
	return h.Handler.Handle(ctx, more)
}

func (h *echoCap) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &echoCap{Handler: h.Handler.WithAttrs(attrs), c: h.c}
}

func (h *echoCap) WithGroup(name string) slog.Handler {
	return &echoCap{Handler: h.Handler.WithGroup(name), c: h.c}
}
