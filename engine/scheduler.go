package engine

import (
	"log/slog"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// Scheduler is the scheduling core of a run, for a driver outside this
// package: a Temporal workflow, or a test that feeds it a table of events.
// It decides and does nothing else: each call says what happened (the run
// opened, a node ended, the run was cancelled) and returns the nodes that
// start now. It starts no goroutine, reads no clock but the one it is
// given, and does no I/O (Options.Journal and Options.OnEvent, if set, are
// called from its methods). It is not safe for concurrent use.
//
// Engine.Run drives the same core in this process.
type Scheduler struct {
	c *core
	// with holds the inputs of each running node, for its record.
	with map[int]map[string]any
}

// Start is a node the scheduler started: run Task (again, with a higher
// Attempt, while Retry allows), then tell the scheduler how it ended.
type Start struct {
	Task Task
	// Started is when the node started, by the scheduler's clock.
	Started time.Time
	// Waits is set for a module that only waits (Info.Waits): it takes no
	// slot, and a driver may wait for it with a timer of its own.
	Waits bool
	// Cleanup is set for a clean-up node started after the run was
	// cancelled: it runs on, bounded by Task.Timeout.
	Cleanup bool
	// Retry is the node's retry policy.
	Retry schema.Retry
	// Resume is set for a node that started before, whose back-off is
	// over (see Scheduler.Backoff): it has its slot again, and its driver
	// runs its next attempt. Only Task.Run, Task.Node and Cleanup are set.
	Resume bool
}

// Ended is how a started node ended, as its driver tells the scheduler.
type Ended struct {
	// Node is the node's id.
	Node string
	// Output is what the module returned, nil when it failed; Err why it
	// failed (a *modules.Error carries outputs of a failure).
	Output *modules.Output
	Err    error
	// Attempts is how many attempts ran.
	Attempts int
	// Started and Finished bound the node's attempts.
	Started, Finished time.Time
	// Reason, when set, says why a failed node failed in place of the
	// scheduler's own words (e.g. that its worker was lost).
	Reason string
}

// NewScheduler returns the scheduler of a run of plan with opts, on the
// clock now (nil for time.Now), logging node results to log (nil
// discards them). opts.RunID names the run; "" makes a new id.
func NewScheduler(plan *Plan, opts Options, now func() time.Time, log *slog.Logger) (*Scheduler, error) {
	c, err := newCore(plan, opts)
	if err != nil {
		return nil, err
	}
	if now != nil {
		c.now = now
	}
	if log != nil {
		c.log = log
	}
	return &Scheduler{c: c}, nil
}

// Open starts the run: it readies the nodes that need nothing and returns
// those that start now.
func (s *Scheduler) Open() []Start {
	started := s.c.opts.Submitted
	if started.IsZero() {
		started = s.c.now()
	}
	s.c.rec.StartedAt = started.UTC()
	s.c.open()
	return s.starts()
}

// End records how node ended and returns the nodes that start now.
func (s *Scheduler) End(e Ended) []Start {
	i, ok := s.running(e.Node)
	if !ok {
		return nil // not a node that runs: nothing changes
	}
	res := nodeResult{i: i, out: e.Output, err: e.Err, attempts: e.Attempts, started: e.Started,
		finished: e.Finished, reason: e.Reason}
	if res.err != nil {
		res.err = &NodeError{Node: e.Node, Attempt: e.Attempts, Err: res.err}
	}
	res.with = s.with[i]
	delete(s.with, i)
	s.c.prepare(&res)
	s.c.ended(res)
	return s.starts()
}

// Backoff tells the scheduler that node failed an attempt and waits out
// its back-off before the next: it holds no slot meanwhile (nor a place
// under its foreach node's max_parallel), and the nodes that start now
// are returned. The node still runs: its driver ends it (End) when its
// retries are over or the run is cancelled (it is recorded as cancelled
// while waiting to retry), or calls Retry when the back-off is over.
func (s *Scheduler) Backoff(node string) []Start {
	if i, ok := s.running(node); ok {
		s.c.backoff(i)
	}
	return s.starts()
}

// Retry tells the scheduler that node's back-off is over: it waits for a
// slot as a ready node does. The returned starts, or those of a later
// call, hand it back with Resume set when it has one. Once the run is
// cancelled it gets none (unless it is a clean-up node): its driver ends
// it.
func (s *Scheduler) Retry(node string) []Start {
	if i, ok := s.running(node); ok {
		s.c.retry(i)
	}
	return s.starts()
}

// running finds a node (or instance) that runs.
func (s *Scheduler) running(node string) (int, bool) {
	i, ok := s.c.plan.Graph.Index(node)
	if !ok {
		i, ok = s.c.instanceIndex(node)
	}
	if !ok || s.c.nodes[i].rec.Status != StatusRunning || s.c.nodes[i].fan != nil {
		return 0, false
	}
	return i, true
}

// Cancel cancels the run for cause (nil: interrupted) and returns the
// clean-up nodes that start now. Running nodes go on until their driver
// ends them; a second Cancel does nothing.
func (s *Scheduler) Cancel(cause error) []Start {
	s.c.cancel(cause)
	return s.starts()
}

// Hurry stops clean-up nodes from starting.
func (s *Scheduler) Hurry() { s.c.hurry() }

// Running reports how many started nodes have not ended.
func (s *Scheduler) Running() int { return s.c.inflight }

// Close settles what is left once no node runs, and returns the record.
// Call it when Running is 0.
func (s *Scheduler) Close() *Record { return s.c.end() }

// Snapshot returns a copy of the record as it stands.
func (s *Scheduler) Snapshot() *Record { return s.c.snapshot() }

// ID is the run's id.
func (s *Scheduler) ID() string { return s.c.rec.ID }

func (s *Scheduler) starts() []Start {
	jobs := s.c.takeStarts()
	if len(jobs) == 0 {
		return nil
	}
	out := make([]Start, len(jobs))
	for k, j := range jobs {
		if j.resume {
			out[k] = Start{Task: Task{Run: s.c.rec.ID, Pipeline: s.c.plan.Pipeline.Name, Node: j.id}, Cleanup: j.cleanup, Resume: true}
			continue
		}
		pn := &s.c.plan.nodes[j.p]
		out[k] = Start{Task: s.c.task(j), Started: j.started, Waits: pn.info.Waits, Cleanup: j.cleanup, Retry: pn.Retry}
		// The executor that runs the task checks the node's promise: it
		// may be a worker that has no plan.
		out[k].Task.Promise = pn.promise
		if s.with == nil {
			s.with = make(map[int]map[string]any)
		}
		s.with[j.i] = j.with
	}
	return out
}
