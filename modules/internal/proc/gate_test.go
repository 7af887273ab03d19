package proc

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// waitFor polls until g has n waiters.
func waitFor(t *testing.T, g *startGate, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		g.mu.Lock()
		got := len(g.waiting)
		g.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestStartGateOrder(t *testing.T) {
	var g startGate
	ctx := context.Background()
	if err := g.enter(ctx, 0); err != nil {
		t.Fatal(err)
	}
	priorities := []int{1, 5, 3, 5, 0, 9, 3}
	var mu sync.Mutex
	var order []int // indexes into priorities, in the order they got in
	var wg sync.WaitGroup
	for k, p := range priorities {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := g.enter(ctx, p); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, k)
			mu.Unlock()
			g.leave()
		}()
		waitFor(t, &g, k+1) // arrivals in index order
	}
	g.leave()
	wg.Wait()
	want := []int{5, 1, 3, 2, 6, 0, 4} // by priority, ties first come first
	if !slices.Equal(order, want) {
		t.Fatalf("admitted %v, want %v", order, want)
	}
	if g.busy || len(g.waiting) != 0 {
		t.Fatalf("gate left busy=%v with %d waiters", g.busy, len(g.waiting))
	}
}

func TestStartGateCancel(t *testing.T) {
	var g startGate
	if err := g.enter(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() { errc <- g.enter(ctx, 7) }()
	waitFor(t, &g, 1)
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled wait got in")
	}
	waitFor(t, &g, 0)
	g.leave()
	// The gate is free again.
	if err := g.enter(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	g.leave()
}

// A waiter admitted just as its context ends either goes in or passes the
// gate on: either way the gate ends up free. Both are ready to the waiter's
// select at once, which picks one at random; 200 rounds see both.
func TestStartGateAdmittedAsCancelled(t *testing.T) {
	var g startGate
	for range 200 {
		if err := g.enter(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error)
		go func() { errc <- g.enter(ctx, 1) }()
		waitFor(t, &g, 1)
		g.mu.Lock()
		g.handOff() // admit the waiter...
		cancel()    // ...as its context ends
		g.mu.Unlock()
		if err := <-errc; err == nil {
			g.leave() // it went in
		}
		g.mu.Lock()
		busy := g.busy
		g.mu.Unlock()
		if busy {
			t.Fatal("the gate stayed busy")
		}
	}
}

// TestStartGateQueuesOnlyACrowd: starts go at once while at most above are
// under way; past that they take the gate, and wait while it is taken.
func TestStartGateQueuesOnlyACrowd(t *testing.T) {
	g := startGate{above: 2}
	ctx := context.Background()
	for k := range 2 {
		if gated, err := g.begin(ctx, 0); gated || err != nil {
			t.Fatalf("start %d: gated %v, err %v; want it let go at once", k, gated, err)
		}
	}
	gated, err := g.begin(ctx, 0)
	if !gated || err != nil {
		t.Fatalf("third start: gated %v, err %v; want it through the gate", gated, err)
	}
	fourth := make(chan bool)
	go func() {
		gated, err := g.begin(ctx, 0)
		if err != nil {
			t.Error(err)
		}
		fourth <- gated
	}()
	waitFor(t, &g, 1) // the fourth waits for the gate
	g.end(true)
	if !<-fourth {
		t.Error("the fourth start was not gated")
	}
	g.end(true)
	g.end(false)
	g.end(false)
	if n := g.starting.Load(); n != 0 {
		t.Errorf("%d starts under way after all ended", n)
	}
	if gated, _ := g.begin(ctx, 0); gated {
		t.Error("a start after the crowd ended was gated")
	}
	g.end(false)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	full := startGate{above: 1}
	full.begin(ctx, 0)
	full.begin(ctx, 0) // takes the gate
	if _, err := full.begin(cancelled, 0); err == nil {
		t.Error("a start that waited on a cancelled context got in")
	}
	if n := full.starting.Load(); n != 2 {
		t.Errorf("%d starts counted, want 2 (the cancelled one not)", n)
	}
}
