package engine

import (
	"context"
	"log/slog"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// This file holds the engine's log lines about nodes and the loggers
// nodes' modules write to.

func (c *core) logResult(i int) {
	log := c.log
	// A caller that hears every node's end (Options.OnEvent: the CLI) shows
	// failures itself: logged here too, each would show twice.
	loud := c.opts.OnEvent == nil
	status := c.nodes[i].rec.Status
	if !log.Enabled(context.Background(), slog.LevelDebug) && (!loud || status != StatusError && status != StatusCancelled) {
		return // don't box the attributes of a line nobody reads
	}
	errLevel, warnLevel := slog.LevelError, slog.LevelWarn
	if !loud {
		errLevel, warnLevel = slog.LevelDebug, slog.LevelDebug
	}
	ctx := context.Background()
	rec := c.nodes[i].rec
	id := c.nodeID(i)
	switch rec.Status {
	case StatusSuccess:
		log.Debug("node succeeded", "node", id, "duration_ms", rec.Duration().Milliseconds(), "message", rec.Message)
	case StatusError:
		if rec.Tolerated() {
			// A sub-pipeline's node: the same words as a run's own.
			log.Log(ctx, warnLevel, "node failed; "+Tolerated, "node", id, "err", rec.Message)
			break
		}
		log.Log(ctx, errLevel, "node failed", "node", id, "err", rec.Message)
	case StatusSkipped:
		log.Debug("node skipped", "node", id, "reason", rec.Reason)
	case StatusCancelled:
		log.Log(ctx, warnLevel, "node cancelled", "node", id, "reason", rec.Reason)
	}
}

// nodeLogger returns node id's logger. It is made on the first log call:
// most in-process modules never log, and making a logger costs more than
// running them.
func (r *run) nodeLogger(id string) *slog.Logger { return r.logs.logger(id) }

// nodeLogs makes the loggers of a run's nodes.
type nodeLogs struct {
	e      *Engine
	redact *redactor
}

func (n *nodeLogs) logger(id string) *slog.Logger {
	return slog.New(&lazyHandler{logs: n, node: id})
}

// lazyHandler makes node's handler on first use.
type lazyHandler struct {
	logs *nodeLogs
	node string
	once sync.Once
	h    slog.Handler
}

func (l *lazyHandler) get() slog.Handler {
	l.once.Do(func() {
		e := l.logs.e
		if e.NodeLogger != nil {
			l.h = e.NodeLogger(l.node).Handler()
		} else {
			l.h = e.logger().With("node", l.node).Handler()
		}
		l.h = l.logs.redact.Handler(l.h)
	})
	return l.h
}

// attemptInput is a module's input and its logger in one allocation: the
// engine's own executor makes one per node attempt.
type attemptInput struct {
	in  modules.Input
	log slog.Logger
	h   lazyHandler
}

// newAttemptInput returns an input whose Logger is node's, made lazily
// as nodeLogs.logger makes it.
func (n *nodeLogs) newAttemptInput(node string) *modules.Input {
	a := &attemptInput{h: lazyHandler{logs: n, node: node}}
	a.log = *slog.New(&a.h)
	a.in.Logger = &a.log
	return &a.in
}

func (l *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.get().Enabled(ctx, level)
}

func (l *lazyHandler) Handle(ctx context.Context, rec slog.Record) error {
	return l.get().Handle(ctx, rec)
}

func (l *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return l.get().WithAttrs(attrs) }

func (l *lazyHandler) WithGroup(name string) slog.Handler { return l.get().WithGroup(name) }
