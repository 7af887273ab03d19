package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"

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
	// OnEvent hears each node start and end once.
	OnEvent func(engine.Event)
	// Hurry, once closed, stops the wait for a cancelled run to end.
	Hurry <-chan struct{}
	// OnCancel is called when ctx ends and the run is asked to stop.
	OnCancel func()

	seen map[string]engine.Status
}

// ErrDetached is returned when the follower stopped waiting (Hurry) while
// the run still goes on.
var ErrDetached = errors.New("stopped following the run; it goes on")

// Follow waits for run id to end and returns its record. When ctx ends
// (Ctrl-C), the run is cancelled and followed to its end; after Hurry the
// follower stops waiting and returns ErrDetached.
func (f *Follower) Follow(ctx context.Context, id string) (*engine.Record, error) {
	f.seen = make(map[string]engine.Status, len(f.Order))
	wait := context.WithoutCancel(ctx)
	waitCtx, stopWait := context.WithCancel(wait)
	defer stopWait()
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
	tick := time.NewTicker(followEvery)
	defer tick.Stop()
	cancelled := ctx.Done()
	for {
		select {
		case r := <-done:
			if r.err != nil {
				return nil, fmt.Errorf("run %s: %w", id, r.err)
			}
			rec := new(engine.Record)
			if err := json.Unmarshal(r.b, rec); err != nil {
				return nil, fmt.Errorf("run %s: its record: %w", id, err)
			}
			f.tell(rec)
			return rec, nil
		case <-tick.C:
			qctx, cancel := context.WithTimeout(wait, 5*time.Second)
			b, err := queryRecord(qctx, f.Client, id)
			cancel()
			if err == nil {
				var rec engine.Record
				if json.Unmarshal(b, &rec) == nil {
					f.tell(&rec)
				}
			}
		case <-cancelled:
			cancelled = nil
			if f.OnCancel != nil {
				f.OnCancel()
			}
			cctx, cancel := context.WithTimeout(wait, 10*time.Second)
			err := Cancel(cctx, f.Client, id)
			cancel()
			if err != nil {
				return nil, err
			}
		case <-f.Hurry:
			stopWait()
			<-done
			return nil, ErrDetached
		}
	}
}

// tell reports what changed since the last record.
func (f *Follower) tell(rec *engine.Record) {
	if f.OnEvent == nil {
		return
	}
	for _, id := range f.Order {
		n, ok := rec.Nodes[id]
		if !ok {
			continue
		}
		was := f.seen[id]
		if n.Status == was {
			continue
		}
		f.seen[id] = n.Status
		final := n.Status != engine.StatusPending && n.Status != engine.StatusRunning
		// A node that started and ended between two reads still starts.
		ranUnseen := final && was != engine.StatusRunning && n.Attempts > 0
		if n.Status == engine.StatusRunning || ranUnseen {
			start := *n
			start.Status = engine.StatusRunning
			f.OnEvent(engine.Event{Kind: engine.NodeStarted, Node: id, Record: start})
		}
		if final {
			f.OnEvent(engine.Event{Kind: engine.NodeFinished, Node: id, Record: *n})
		}
	}
}
