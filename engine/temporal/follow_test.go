package temporal_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
)

// cutProxy forwards TCP connections to a server until cut, which closes
// its listener and every connection, as a server that dies does; mend
// listens again on the same address.
type cutProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	p := &cutProxy{t: t, target: target}
	p.listen("127.0.0.1:0")
	t.Cleanup(func() { p.cut(); p.wg.Wait() })
	return p
}

func (p *cutProxy) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			for _, pair := range [][2]net.Conn{{c, s}, {s, c}} {
				p.wg.Add(1)
				go func() {
					defer p.wg.Done()
					_, _ = io.Copy(pair[0], pair[1])
					pair[0].Close()
					pair[1].Close()
				}()
			}
		}
	}()
}

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *cutProxy) mend() { p.listen(p.addr) }

// A follower whose server stops answering says so within LostAfter, not
// a minute later when the SDK gives up its wait, and says when it answers
// again; the run, which went on, is then followed to its end.
func TestFollowerTellsALostServer(t *testing.T) {
	direct, q := onWorker(t) // the worker keeps its own connection
	proxy := newCutProxy(t, os.Getenv(temporal.EnvAddress))
	c := dial(t, proxy.addr)
	ctx, stop := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stop()
	in := runInput(t, "name: lost\nnodes:\n  slow: {module: exec, with: {command: [sleep, '5']}}\n", nil)
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { direct.TerminateWorkflow(context.Background(), in.RunID, "", "test over") })

	var (
		mu      sync.Mutex
		events  []string
		started = make(chan struct{}, 1)
	)
	note := func(s string) {
		mu.Lock()
		events = append(events, s)
		mu.Unlock()
	}
	lost := make(chan time.Time, 1)
	f := &temporal.Follower{Client: c, Order: []string{"slow"}, LostAfter: 500 * time.Millisecond,
		OnEvent: func(ev engine.Event) {
			if ev.Kind == engine.NodeStarted {
				select {
				case started <- struct{}{}:
				default:
				}
			}
		},
		OnLost: func(err error) {
			note("lost")
			if err == nil {
				t.Error("told lost without the error")
			}
			lost <- time.Now()
		},
		OnBack:  func() { note("back") },
		OnStall: func(temporal.Stall) {}, // as pipe run's: its reads fail too
	}
	type result struct {
		rec *engine.Record
		err error
	}
	done := make(chan result, 1)
	go func() {
		rec, err := f.Follow(ctx, in.RunID)
		done <- result{rec, err}
	}()
	select {
	case <-started:
	case r := <-done:
		t.Fatalf("the run ended before the cut: %v", r.err)
	case <-ctx.Done():
		t.Fatal("the node never started")
	}
	proxy.cut()
	cutAt := time.Now()
	select {
	case at := <-lost:
		// LostAfter, then a health check a second at most: well under the
		// SDK's minute.
		if d := at.Sub(cutAt); d > 15*time.Second {
			t.Errorf("told lost %s after the cut", d)
		}
	case r := <-done:
		t.Fatalf("follow ended before it told the lost server: %v", r.err)
	case <-time.After(30 * time.Second):
		t.Fatal("a follower whose server went away said nothing for 30s")
	}
	proxy.mend()
	r := <-done
	if r.err != nil {
		if errors.Is(r.err, context.DeadlineExceeded) {
			t.Fatalf("follow: %v", r.err)
		}
		t.Fatalf("follow after the server came back: %v", r.err)
	}
	nodeIs(t, r.rec, "slow", engine.StatusSuccess, "")
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 2 || events[0] != "lost" || events[1] != "back" {
		t.Errorf("told %v, want [lost back]", events)
	}
}

// The progress query gives a follower the nodes without their inputs
// and outputs, and nothing more while the run stands still.
func TestProgressQuery(t *testing.T) {
	c, q := onWorker(t)
	ctx, in := submitOnly(t, c, q, "name: prog\nnodes:\n  a: {module: echo, with: {x: 1}}\n  slow: {module: exec, needs: [a], with: {command: [sleep, '4']}}\n", 0)
	read := func(since int) temporal.Progress {
		t.Helper()
		val, err := c.QueryWorkflow(ctx, in.RunID, "", temporal.QueryProgress, since)
		if err != nil {
			t.Fatal(err)
		}
		var p temporal.Progress
		if err := val.Get(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var p temporal.Progress
	for {
		if p = read(-1); p.Record != nil && p.Record.Nodes["slow"] != nil && p.Record.Nodes["slow"].Status == engine.StatusRunning {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("node slow never ran")
		}
		time.Sleep(100 * time.Millisecond)
	}
	a := p.Record.Nodes["a"]
	if a.Status != engine.StatusSuccess || a.Outputs != nil || a.Inputs != nil {
		t.Errorf("node a in the progress: %s, inputs %v, outputs %v; want success without them", a.Status, a.Inputs, a.Outputs)
	}
	if again := read(p.Version); again.Record != nil || again.Version != p.Version {
		t.Errorf("read at version %d while slow runs: version %d, record given: %v", p.Version, again.Version, again.Record != nil)
	}
	if older := read(p.Version - 1); older.Record == nil {
		t.Error("read at an older version: no record")
	}
}

// A run's record starts when it was submitted, not when a worker took
// it: the wait is part of the run its user sees.
func TestRunStartsWhenSubmitted(t *testing.T) {
	c := server(t)
	q := queue(t)
	submitted := time.Now()
	ctx, in := submitOnly(t, c, q, "name: late\nnodes:\n  a: {module: echo, with: {x: 1}}\n", 0)
	time.Sleep(1500 * time.Millisecond)
	workerAt := time.Now()
	startWorker(t, c, q, false)
	rec, err := (&temporal.Follower{Client: c}).Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	// Clocks of one machine here; a second of slack for the server's.
	if !rec.StartedAt.Before(workerAt) || rec.StartedAt.Before(submitted.Add(-time.Second)) {
		t.Errorf("the run started at %s; submitted at %s, the worker came at %s", rec.StartedAt, submitted, workerAt)
	}
	if a := rec.Nodes["a"]; a == nil || a.StartedAt.Before(workerAt) {
		t.Errorf("node a started before any worker came: %+v", a)
	}
}
