package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/pipe-run/pipe/modules"
)

// Output modes of pipe run: how the lines nodes' programs print reach the
// terminal.
const (
	outputPrefixed = "prefixed" // as they come, each after [node]
	outputGrouped  = "grouped"  // each node's in one block when it ends
	outputQuiet    = "quiet"    // none (a failure's end is in the summary)
)

// maxEchoed bounds what of one node's output reaches the terminal: the
// whole is in its log file (pipe logs).
const maxEchoed = 1 << 20

// output shows what nodes' programs print, apart from pipe's own log.
type output struct {
	mode string
	w    io.Writer
	// github marks groups for GitHub Actions' log viewer.
	github bool

	mu    sync.Mutex        // guards the fields below and writes to w
	sizes map[string]int    // bytes shown (or held) per node
	held  map[string][]byte // grouped: each node's lines until it ends
}

func newOutput(mode string, w io.Writer) *output {
	return &output{mode: mode, w: w, github: os.Getenv("GITHUB_ACTIONS") == "true",
		sizes: map[string]int{}, held: map[string][]byte{}}
}

// line takes a line node's program printed.
func (o *output) line(node, text string) {
	if o.mode == outputQuiet {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	n := o.sizes[node]
	if n > maxEchoed {
		return
	}
	o.sizes[node] = n + len(text) + 1
	line := "[" + node + "] " + text + "\n"
	if n+len(text)+1 > maxEchoed {
		line = "[" + node + "] ... (more in its log file: pipe logs last " + node + ")\n"
	}
	if o.mode == outputGrouped {
		o.held[node] = append(o.held[node], line...)
		return
	}
	io.WriteString(o.w, line)
}

// end shows a grouped node's lines once it has ended.
func (o *output) end(node string) {
	if o.mode != outputGrouped {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := o.held[node]
	delete(o.held, node)
	if len(lines) == 0 {
		return
	}
	if o.github {
		fmt.Fprintf(o.w, "::group::%s\n", node)
	}
	o.w.Write(lines)
	if o.github {
		fmt.Fprintln(o.w, "::endgroup::")
	}
}

// outputHandler sends the lines a node's program printed (log records with
// a "stream" attribute) to the output, and the rest to the log.
type outputHandler struct {
	slog.Handler
	out  *output
	node string
}

func (h *outputHandler) Handle(ctx context.Context, rec slog.Record) error {
	if modules.LineStream(rec) != "" {
		h.out.line(h.node, strings.TrimRight(rec.Message, "\r\n"))
		return nil
	}
	return h.Handler.Handle(ctx, rec)
}

func (h *outputHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &outputHandler{Handler: h.Handler.WithAttrs(attrs), out: h.out, node: h.node}
}

func (h *outputHandler) WithGroup(name string) slog.Handler {
	return &outputHandler{Handler: h.Handler.WithGroup(name), out: h.out, node: h.node}
}
