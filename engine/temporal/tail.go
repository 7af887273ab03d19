package temporal

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// What of an attempt's program output its worker sends back with its
// result, for the client to show under the node: the last lines, at most
// maxTailLines and maxTailBytes of them (the whole is in the node's log
// file on the worker). Small beside the payload limit, and a run's
// workflow keeps few of them at once (see keptOutputs).
const (
	maxTailLines = 200
	maxTailBytes = 16 << 10
)

// OutputTail is the end of what one attempt's programs printed, masked as
// the node's log file is.
type OutputTail struct {
	Lines []string `json:"lines,omitempty"`
	// Streams has a byte per line of Lines: 'o' for stdout, 'e' for
	// stderr (a byte, not a word, per line: it travels in every result).
	Streams string `json:"streams,omitempty"`
	// Earlier counts the lines printed before Lines, not sent.
	Earlier int `json:"earlier,omitempty"`
	// LogFile is where the whole output is on the worker ("" for none).
	LogFile string `json:"log_file,omitempty"`
}

// Stream names the stream of line i: stdout or stderr.
func (t *OutputTail) Stream(i int) string {
	if i < len(t.Streams) && t.Streams[i] == 'e' {
		return "stderr"
	}
	return "stdout"
}

// withoutLines returns the tail with its lines counted as earlier: what
// is left of it when the result would be over the payload limit with them.
func (t *OutputTail) withoutLines() *OutputTail {
	if t == nil {
		return nil
	}
	return &OutputTail{Earlier: t.Earlier + len(t.Lines), LogFile: t.LogFile}
}

// tailKeeper keeps the last lines an attempt's programs print.
type tailKeeper struct {
	mask *modules.Masker // the run's secrets, as the local terminal masks them

	mu      sync.Mutex // guards the fields below: stdout and stderr are read apart
	lines   []string
	streams []byte
	size    int // bytes of lines
	total   int // lines seen
}

func newTailKeeper(secrets []string) *tailKeeper {
	return &tailKeeper{mask: modules.NewMasker(secrets)}
}

func (k *tailKeeper) add(stream, text string) {
	// The programs' lines come masked already (the module masks them as it
	// writes the log file); masked again, as a local run's terminal is, in
	// case a module logs its own.
	text = k.mask.String(text)
	if len(text) > maxTailBytes {
		text = strings.ToValidUTF8(text[:maxTailBytes-8], "") + " [...]"
	}
	s := byte('o')
	if stream == "stderr" {
		s = 'e'
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.total++
	k.lines = append(k.lines, text)
	k.streams = append(k.streams, s)
	k.size += len(text) + 1
	for len(k.lines) > maxTailLines || k.size > maxTailBytes {
		k.size -= len(k.lines[0]) + 1
		k.lines, k.streams = k.lines[1:], k.streams[1:]
	}
}

// tail returns what was kept, or nil when nothing was printed.
func (k *tailKeeper) tail(logFile string) *OutputTail {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.total == 0 {
		return nil
	}
	return &OutputTail{Lines: k.lines, Streams: string(k.streams), Earlier: k.total - len(k.lines), LogFile: logFile}
}

// tailHandler hands the lines of a program's output (records with a
// "stream" attribute) to a tailKeeper, whatever the worker's log level,
// and every record its level lets through to the worker's log.
type tailHandler struct {
	slog.Handler
	k *tailKeeper
}

func (h *tailHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= slog.LevelInfo || h.Handler.Enabled(ctx, level)
}

func (h *tailHandler) Handle(ctx context.Context, rec slog.Record) error {
	if stream := modules.LineStream(rec); stream != "" {
		h.k.add(stream, rec.Message)
	}
	if !h.Handler.Enabled(ctx, rec.Level) {
		return nil
	}
	return h.Handler.Handle(ctx, rec)
}

func (h *tailHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &tailHandler{Handler: h.Handler.WithAttrs(attrs), k: h.k}
}

func (h *tailHandler) WithGroup(name string) slog.Handler {
	return &tailHandler{Handler: h.Handler.WithGroup(name), k: h.k}
}
