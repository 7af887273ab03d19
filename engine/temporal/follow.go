package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/pipe-run/pipe/engine"
)

// followEvery is how often a follower reads the run's record.
const followEvery = 200 * time.Millisecond

// Follower follows a run on Temporal and reports its nodes' starts and
// ends as a local run does (engine.Options.OnEvent), in the order given.
type Follower struct {
	Client client.Client
	// Order lists the pipeline's node ids in the order events are told
	// when several change at once.
	Order []string
	// OnEvent hears each node start and end once, a foreach node's
	// instances' too (between its fan-out and its end), as a local run's
	// engine.Options.OnEvent does.
	OnEvent func(engine.Event)
	// OnEnd hears each node's end once, an instance's or a sub-pipeline
	// node's too, as the reads of the run's progress find it (without its
	// inputs and outputs), before the run ends: the client's journal
	// keeps them. The record Follow returns has them all.
	OnEnd func(id string, n *engine.NodeRecord)
	// Hurry, once closed, stops the wait for a cancelled run to end.
	Hurry <-chan struct{}
	// OnCancel is called when ctx ends and the run is asked to stop.
	OnCancel func()
	// Attached makes the end of ctx stop the following, not the run:
	// Follow returns ErrDetached (pipe status --wait watches a run that
	// pipe cancel stops).
	Attached bool
	// OnStall is told when the run's work has waited StallAfter
	// (default DefaultStallAfter) for a worker that does not come, once
	// for each such wait: without it a run on a queue no worker polls
	// would look hung.
	OnStall    func(Stall)
	StallAfter time.Duration
	// OnRetry hears why a running node runs again (an attempt failed
	// with err, or was lost with its worker), once per attempt it sees.
	OnRetry func(node, why, err string)
	// OnLost is told, once, when the server has not answered for
	// LostAfter (default DefaultLostAfter), and OnBack when it answers
	// again: without them a follower would be silent until the SDK gives
	// up its wait, about a minute later.
	OnLost    func(err error)
	OnBack    func()
	LostAfter time.Duration
	// OnOutput hears the end of what each node attempt printed on its
	// worker (see OutputTail), once, before that attempt's end is told;
	// OnOutputsDropped, once, that some were not kept for the follower
	// (many nodes printed at once, faster than it read).
	OnOutput         func(NodeOutput)
	OnOutputsDropped func()

	seen map[string]engine.Status
	// shown is the run's version up to which outputs were told (-1: none
	// is expected before the first read, as for a run attached to).
	shown   int
	dropped bool
	tries   map[string]int
	ended   map[string]bool // told OnEnd
}

// ErrDetached is returned when the follower stopped waiting (Hurry) while
// the run still goes on.
var ErrDetached = errors.New("stopped following the run; it goes on")

// ErrServerLost says Follow gave up on a server that stopped answering:
// the run may go on there.
var ErrServerLost = errors.New("lost the Temporal server while following it")

// ErrRunGone says the server no longer knows the run Follow followed (a
// dev server, which keeps no history, restarted): it will not end.
var ErrRunGone = errors.New("the run is gone from the Temporal server (it does not know it any more: a dev server that restarted keeps no runs)")

// CancelStuckError is returned when the follower asked the run to stop
// but the run cannot: its workflow task, which alone can act on the
// cancel, is taken by no worker (none polls its queue, or it fails on
// those that do). The run stays cancel-requested on the server and ends
// once a worker takes it.
type CancelStuckError struct {
	Run   string
	Stall Stall
}

func (e *CancelStuckError) Error() string {
	return fmt.Sprintf("the cancel of run %s cannot finish: %s, and only a worker can act on it", e.Run, e.Stall.say("the run"))
}

// cancelStuckAfter is how long a follower waits for a cancel to be taken
// up by the run when its own work waits for a worker: it cannot be, until
// one comes.
const cancelStuckAfter = 5 * time.Second

// Follow waits for run id to end and returns its record. When ctx ends
// (Ctrl-C), the run is cancelled and followed to its end (unless
// Attached); after Hurry the follower stops waiting and returns
// ErrDetached.
func (f *Follower) Follow(ctx context.Context, id string) (*engine.Record, error) {
	f.seen = make(map[string]engine.Status, len(f.Order))
	f.tries = map[string]int{}
	f.shown = 0
	if f.Attached {
		f.shown = -1
	}
	if f.OnEnd != nil {
		f.ended = map[string]bool{}
	}
	wait := context.WithoutCancel(ctx)
	waitCtx, stopWait := context.WithCancel(wait)
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.err = f.Client.GetWorkflow(waitCtx, id, "").Get(waitCtx, &r.b)
		done <- r
	}()
	// Reads of the run go on in a goroutine of their own: a query waits
	// for a worker to answer, and a Ctrl-C must not wait with it.
	news := make(chan watchNews)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		f.watch(waitCtx, id, news)
	}()
	// Both goroutines end before Follow returns: got says whether the
	// wait's result was taken.
	got := false
	defer func() {
		stopWait()
		<-watched
		if !got {
			<-done
		}
	}()
	cancelled := ctx.Done()
	// stalled is set while the run's own work (its workflow task) waits
	// for a worker; stuck fires once a cancel has waited on it.
	var stalled *Stall
	var stuck <-chan time.Time
	for {
		select {
		case r := <-done:
			got = true
			if r.err != nil {
				var ended *temporal.WorkflowExecutionError
				var gone *serviceerror.NotFound
				if errors.As(r.err, &gone) {
					// A server that keeps no history (a dev server
					// restarted) lost the run with it.
					return nil, fmt.Errorf("run %s: %w (%w): it will not end; start it again", id, ErrRunGone, r.err)
				}
				if !errors.As(r.err, &ended) && ctx.Err() == nil {
					// The wait itself failed, not the run: the server went
					// away (the SDK gives up after about a minute).
					return nil, fmt.Errorf("run %s: %w (%w): the run goes on if the server does", id, ErrServerLost, r.err)
				}
				return nil, fmt.Errorf("run %s: %w", id, r.err)
			}
			rec := new(engine.Record)
			if err := json.Unmarshal(r.b, rec); err != nil {
				return nil, fmt.Errorf("run %s: its record: %w", id, err)
			}
			// The outputs of the nodes that ended last come with the
			// record; a run of an earlier pipe has none.
			var res runResult
			_ = json.Unmarshal(r.b, &res)
			f.tell(rec, f.outputs(res.Outputs, res.OutputsFrom, -1))
			return rec, nil
		case n := <-news:
			if n.rec != nil {
				f.tell(n.rec, f.outputs(n.outputs, n.outputsFrom, n.version))
				f.ends(n.rec)
			}
			if n.checked {
				stalled = nil
				if n.now != nil && n.now.Nodes == 0 {
					stalled = n.now
				}
			}
			if n.stall != nil && f.OnStall != nil {
				f.OnStall(*n.stall)
			}
			if n.lost != nil {
				stalled = nil // not known while the server does not answer
			}
			switch {
			case n.lost != nil && f.OnLost != nil:
				f.OnLost(n.lost)
			case n.back && f.OnBack != nil:
				f.OnBack()
			}
		case <-cancelled:
			cancelled = nil
			if f.Attached {
				return nil, ErrDetached
			}
			if f.OnCancel != nil {
				f.OnCancel()
			}
			cctx, cancel := context.WithTimeout(wait, 10*time.Second)
			err := Cancel(cctx, f.Client, id)
			cancel()
			if err != nil && !errors.Is(err, ErrEnded) { // ended: its record comes
				return nil, err
			}
			stuck = time.After(cancelStuckAfter)
		case <-stuck:
			// A cancel needs a workflow task, as any step of the run: with
			// none taken, waiting would be for ever, and silent.
			if stalled != nil {
				return nil, &CancelStuckError{Run: id, Stall: *stalled}
			}
			stuck = time.After(stallEvery)
		case <-f.Hurry:
			return nil, ErrDetached
		}
	}
}

// watchNews is what a read of the run found: its record as it stands,
// that its work waits for a worker, or that the server went away (lost)
// or came back.
type watchNews struct {
	rec *engine.Record
	// outputs came with rec, at version; all of those from outputsFrom
	// on.
	outputs     []NodeOutput
	outputsFrom int
	version     int
	stall       *Stall
	lost        error
	back        bool
	// checked says a check for stalls was made: now is what it found
	// (nil: no stall), told once or not.
	checked bool
	now     *Stall
}

// DefaultLostAfter is how long the server may not answer a follower
// before it says so.
const DefaultLostAfter = 5 * time.Second

// healthWatch tells when the server stops answering, and when it answers
// again. Every answer a follower gets counts (answered); only when none
// has come for after does it ask the server's health itself, since a
// query also fails when no worker answers for the run.
type healthWatch struct {
	after time.Duration
	ok    time.Time // the last answer
	lost  bool      // told lost, not back yet
}

func (h *healthWatch) answered(now time.Time) { h.ok = now }

// check asks the server's health once nothing has answered for h.after,
// and returns the news to tell, if any.
func (h *healthWatch) check(ctx context.Context, c client.Client, now time.Time) (watchNews, bool) {
	if now.Sub(h.ok) < h.after {
		return watchNews{}, false
	}
	hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_, err := c.CheckHealth(hctx, &client.CheckHealthRequest{})
	cancel()
	switch {
	case ctx.Err() != nil:
		return watchNews{}, false
	case err == nil:
		h.ok = now
		if h.lost {
			h.lost = false
			return watchNews{back: true}, true
		}
	case !h.lost:
		h.lost = true
		return watchNews{lost: err}, true
	}
	return watchNews{}, false
}

// stallEvery is how often a follower asks whether the run's work waits.
const stallEvery = time.Second

// watch reads run id's record every followEvery, and whether its work
// waits for a worker every stallEvery, and sends what it finds on news
// until ctx ends. A stall is sent once until the work is taken.
func (f *Follower) watch(ctx context.Context, id string, news chan<- watchNews) {
	sw := newStallWatch(f.StallAfter)
	lostAfter := f.LostAfter
	if lostAfter <= 0 {
		lostAfter = DefaultLostAfter
	}
	health := &healthWatch{after: lostAfter, ok: time.Now()}
	prog := &progressReader{version: -1}
	// told: the stall was sent; idle: no worker runs the workflow, so a
	// query would only wait.
	told, idle := false, false
	tick := time.NewTicker(followEvery)
	defer tick.Stop()
	var lastCheck time.Time
	send := func(n watchNews) bool {
		select {
		case news <- n:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if time.Since(lastCheck) >= stallEvery {
			lastCheck = time.Now()
			// Checked with no one to tell too: a cancel waits on it.
			if !health.lost {
				qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				st, err := sw.check(qctx, f.Client, id)
				cancel()
				if err == nil {
					health.answered(time.Now())
				}
				idle = err == nil && st != nil && st.Nodes == 0
				n := watchNews{checked: err == nil, now: st}
				switch {
				case err != nil:
				case st == nil:
					told = false
				case !told:
					told = true
					n.stall = st
				}
				if n.checked && !send(n) {
					return
				}
			}
			if n, ok := health.check(ctx, f.Client, time.Now()); ok && !send(n) {
				return
			}
		}
		if f.OnEvent == nil && f.OnRetry == nil && f.OnEnd == nil && f.OnOutput == nil || idle || health.lost {
			continue
		}
		// Short: a run no worker answers for would hold up the check
		// that says so; the record at the end comes another way.
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		pr, err := prog.read(qctx, f.Client, id)
		cancel()
		if err != nil {
			continue
		}
		health.answered(time.Now())
		if pr.Record != nil && !send(watchNews{rec: pr.Record, outputs: pr.Outputs, outputsFrom: pr.OutputsFrom, version: pr.Version}) {
			return
		}
	}
}
