package main

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// progress logs nodes as they start and end. Large pipelines get a count
// once a second instead of a line a node.
type progress struct {
	logs  *logs
	log   *slog.Logger
	quiet bool
	total int
	last  time.Time
	out   *output // the grouped output is shown as a node ends

	mu            sync.Mutex // guards the counts below: the status line reads them
	done, running int
	// failed counts the nodes that failed the run, tolerated those
	// continue_on_error let it go past.
	failed, tolerated int
	// names are the nodes running, for the status line: nil without one
	// (a map entry per node was 3% of a 100,000-node run).
	names map[string]bool
	// changed is the status line's stale flag, set as a node starts or
	// ends; nil without a status line. Set before the run starts.
	changed *atomic.Bool
}

// stale marks the status line stale once the counts changed: the node's
// log line written next redraws it as the run now stands. changed is set
// before the run starts, so it is read without p.mu.
func (p *progress) stale() {
	if p.changed != nil {
		p.changed.Store(true)
	}
}

// perNodeLimit is the largest pipeline that gets a log line per node.
const perNodeLimit = 200

func newProgress(l *logs, total int) *progress {
	return &progress{logs: l, log: l.slog(), total: total, quiet: total > perNodeLimit, last: time.Now()}
}

func (p *progress) event(ev engine.Event) {
	p.mu.Lock()
	if p.names != nil {
		switch ev.Kind {
		case engine.NodeStarted:
			// A foreach node runs nothing itself: its instances do,
			// and are counted as they start.
			if !ev.Record.FannedOut() {
				p.names[ev.Node] = true
			}
		case engine.NodeFinished:
			delete(p.names, ev.Node)
		}
	}
	p.mu.Unlock()
	// A foreach node is not run itself: its instances, node[key], are,
	// and they are not among the plan's nodes that done counts.
	instance := strings.HasSuffix(ev.Node, "]")
	switch ev.Kind {
	case engine.NodeStarted:
		if ev.Record.FannedOut() {
			if !p.quiet {
				p.logs.node(ev.Node).Info("fanned out", "items", len(ev.Record.Items))
			}
			break
		}
		p.mu.Lock()
		p.running++
		p.mu.Unlock()
		p.stale()
		if !p.quiet {
			if r := ev.Record.Reason; r != "" { // run again by --resume: why
				p.logs.node(ev.Node).Info("started", "module", ev.Record.Module, "reason", r)
			} else {
				p.logs.node(ev.Node).Info("started", "module", ev.Record.Module)
			}
		}
	case engine.NodeFinished:
		if p.out != nil {
			p.out.end(ev.Node)
		}
		r := ev.Record
		p.mu.Lock()
		if ev.Record.Attempts > 0 { // it ran, so it was counted as running
			p.running--
		}
		if !instance {
			p.done++
			switch {
			case r.Tolerated():
				p.tolerated++
			case r.Status == engine.StatusError:
				p.failed++
			}
		}
		p.mu.Unlock()
		p.stale()
		if !p.quiet || r.Status == engine.StatusError {
			l := p.logs.node(ev.Node)
			switch r.Status {
			case engine.StatusSuccess:
				if r.FannedOut() {
					k, v := p.logs.duration(r.Duration())
					l.Info("done", k, v, "message", r.Message)
					break
				}
				if r.Attempts == 0 { // kept from the run it resumes
					l.Info("kept", "reason", r.Reason)
					break
				}
				if r.CachedFrom != "" {
					l.Info("cached", "from", r.CachedFrom, "message", r.Message)
					break
				}
				k, v := p.logs.duration(r.Duration())
				l.Info("done", k, v, "message", r.Message)
			case engine.StatusError:
				if r.Tolerated() {
					// The run goes on, and may succeed: not an error of it.
					l.Warn("failed; "+engine.Tolerated, "err", r.Message)
					break
				}
				l.Error("failed", "err", r.Message)
			case engine.StatusSkipped:
				l.Info("skipped", "reason", r.Reason)
			case engine.StatusCancelled:
				l.Warn("cancelled", "reason", r.Reason)
			}
		}
	}
	if p.quiet && time.Since(p.last) >= time.Second {
		p.last = time.Now()
		p.mu.Lock()
		done, running, failed, tolerated := p.done, p.running, p.failed, p.tolerated
		p.mu.Unlock()
		attrs := []any{"done", fmt.Sprintf("%d/%d", done, p.total), "running", running, "failed", failed}
		if tolerated > 0 {
			attrs = append(attrs, "tolerated", tolerated)
		}
		p.log.Info("progress", attrs...)
	}
}
