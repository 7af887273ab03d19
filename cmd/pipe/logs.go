package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/log"
	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
)

// logs is pipe's logging set-up: charmbracelet/log on stderr, a prefix
// per node, colour only on a terminal and never when NO_COLOR is set.
type logs struct {
	base *log.Logger
	// machine is set for the json and logfmt formats: times in RFC 3339
	// with milliseconds, durations as numbers of milliseconds, the node's
	// id as the attribute "node" (text shows it as a prefix).
	machine bool
	// out, when set, takes the lines nodes' programs print (text logs
	// only: machine logs keep them as records).
	out *output
	// terminal is set when the log goes to a terminal; profile is the
	// colour profile chosen for it.
	terminal bool
	profile  termenv.Profile
	// plain, when set (text logs, not on a terminal), is where nodes'
	// lines are written without lipgloss (see plainLog); plainMu orders
	// their writes.
	plain   io.Writer
	plainMu sync.Mutex
}

// redirect sends the log to w (a status line in front of the terminal).
func (l *logs) redirect(w io.Writer) {
	l.base.SetOutput(plainWriter{w})
	l.base.SetColorProfile(l.profile)
}

// plainWriter hides the terminal behind a writer: charmbracelet/log makes
// a renderer for its output that, on a terminal, asks it for its colours
// and waits up to 10 s for an answer some terminals never give. pipe sets
// the colour profile itself (below), so the renderer must never ask.
type plainWriter struct{ io.Writer }

func newLogs(w io.Writer, debug bool, format string) *logs {
	l := log.NewWithOptions(plainWriter{w}, log.Options{
		ReportTimestamp: true,
		TimeFormat:      time.TimeOnly,
		Level:           log.InfoLevel,
	})
	if debug {
		l.SetLevel(log.DebugLevel)
	}
	switch format {
	case "json":
		l.SetFormatter(log.JSONFormatter)
	case "logfmt":
		l.SetFormatter(log.LogfmtFormatter)
	}
	machine := format == "json" || format == "logfmt"
	if machine {
		l.SetTimeFormat("2006-01-02T15:04:05.000Z07:00")
	}
	// Set the colour profile explicitly: letting the renderer ask the
	// terminal can stall for seconds on terminals that do not answer.
	f, isFile := w.(*os.File)
	terminal := isFile && isatty.IsTerminal(f.Fd()) && os.Getenv("TERM") != "dumb"
	profile := termenv.Ascii
	if terminal && os.Getenv("NO_COLOR") == "" {
		profile = termenv.ANSI256
	}
	l.SetColorProfile(profile)
	out := &logs{base: l, machine: machine, terminal: terminal, profile: profile}
	if !machine && !terminal {
		out.plain = w
	}
	return out
}

// slog returns the base logger as a *slog.Logger, for the engine.
func (l *logs) slog() *slog.Logger { return slog.New(l.base) }

// node returns the logger a node's module writes to: prefixed by its id.
func (l *logs) node(id string) *slog.Logger {
	if l.machine {
		return slog.New(l.base.With("node", id))
	}
	var h slog.Handler
	if l.plain != nil {
		h = newPlainLog(l.plain, &l.plainMu, l.base, id)
	} else {
		h = l.base.WithPrefix(id)
	}
	if l.out != nil {
		return slog.New(&outputHandler{Handler: h, out: l.out, node: id})
	}
	return slog.New(h)
}

// duration is how a log line says how long something took: "in=1.2s" for
// people, "duration_ms=1200" for machines.
func (l *logs) duration(d time.Duration) (string, any) {
	if l.machine {
		return "duration_ms", d.Milliseconds()
	}
	return "in", d.Round(time.Millisecond)
}

// sayer returns how pipe says its own one-line messages (an error, an
// interrupt): "pipe: ..." on w, or a log record for machine log formats,
// so that every line of those logs is one.
func (l *logs) sayer(w io.Writer) func(string) {
	if l.machine {
		return func(msg string) { l.base.Error(msg) }
	}
	return func(msg string) { fmt.Fprintln(w, "pipe: "+msg) }
}
