package proc

import (
	"container/heap"
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// startGate orders program starts when many come at once: one at a
// time, the waiting one with the highest priority first. Starts are
// serialized anyway (fork takes a lock in the runtime), but in the
// runtime's order: when hundreds of nodes become ready at once, the node
// on the critical path would queue behind all of them.
//
// Only starts past queueAbove at once take the gate; below that, each
// goes straight to fork, whose lock a running goroutine takes at once,
// where the gate hands itself to the next waiter, which must be woken
// first, on the cores the programs need. 1,000 programs 8 at a time took
// 12% longer with every start through the gate.
type startGate struct {
	// starting counts the starts under way, gated or not.
	starting atomic.Int32
	// above overrides queueAbove (tests); 0 for queueAbove.
	above int32

	mu      sync.Mutex
	busy    bool
	waiting waiters
	arrived uint64
}

// queueAbove is how many starts may be under way at once before more
// queue in priority order: four per P (GOMAXPROCS, which pipe run sets
// to two per core), the same bound as pollAbove's, so that a pipeline's
// default bound never queues; hundreds of nodes ready at once do.
func queueAbove() int32 { return int32(4 * runtime.GOMAXPROCS(0)) }

// begin lets a start go, at once while few are under way, else through
// the gate; it reports whether it took the gate. end must follow, unless
// begin fails (ctx ended while it waited).
func (g *startGate) begin(ctx context.Context, priority int) (gated bool, err error) {
	above := g.above
	if above == 0 {
		above = queueAbove()
	}
	if g.starting.Add(1) <= above {
		return false, nil
	}
	if err := g.enter(ctx, priority); err != nil {
		g.starting.Add(-1)
		return false, err
	}
	return true, nil
}

// end ends a start that begin let go.
func (g *startGate) end(gated bool) {
	if gated {
		g.leave()
	}
	g.starting.Add(-1)
}

type gateWaiter struct {
	priority int
	seq      uint64
	ready    chan struct{}
	admitted bool // set under mu when ready is closed
	index    int  // in waiting, for heap.Remove
}

var starts startGate

// enter waits for the gate, or for ctx to end.
func (g *startGate) enter(ctx context.Context, priority int) error {
	g.mu.Lock()
	if !g.busy {
		g.busy = true
		g.mu.Unlock()
		return nil
	}
	g.arrived++
	w := &gateWaiter{priority: priority, seq: g.arrived, ready: make(chan struct{})}
	heap.Push(&g.waiting, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		if w.admitted { // admitted as ctx ended: pass the gate on
			g.handOff()
			return ctx.Err()
		}
		heap.Remove(&g.waiting, w.index)
		return ctx.Err()
	}
}

// leave lets the next waiter in.
func (g *startGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.handOff()
}

// handOff gives the gate to the first waiter, or frees it; mu is held.
func (g *startGate) handOff() {
	if len(g.waiting) == 0 {
		g.busy = false
		return
	}
	w := heap.Pop(&g.waiting).(*gateWaiter)
	w.admitted = true
	close(w.ready)
}

// waiters is a container/heap of the waiting starts, highest priority
// first, then first come.
type waiters []*gateWaiter

func (h waiters) Len() int { return len(h) }
func (h waiters) Less(a, b int) bool {
	if h[a].priority != h[b].priority {
		return h[a].priority > h[b].priority
	}
	return h[a].seq < h[b].seq
}
func (h waiters) Swap(a, b int) {
	h[a], h[b] = h[b], h[a]
	h[a].index, h[b].index = a, b
}
func (h *waiters) Push(x any) {
	w := x.(*gateWaiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waiters) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return w
}
