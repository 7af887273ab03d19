package engine_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// After a cancel, nodes whose when calls always() or cancelled() still run
// once their needs have ended, as in GitHub Actions; the others do not.
func TestCleanupNodesRunAfterCancel(t *testing.T) {
	src := `
max_parallel: 1
nodes:
  slow: {module: busy, with: {for: 10s}}
  plain: {module: echo, needs: slow}
  after_plain: {module: echo, needs: plain, when: always()}
  on_cancel: {module: echo, needs: slow, when: cancelled()}
  on_failure: {module: echo, needs: slow, when: failure()}
  queued: {module: echo, when: always()}
  gated: {module: echo, needs: slow, when: "always() && !cancelled()"}
`
	for _, schedule := range []engine.Schedule{engine.Eager, engine.Levels} {
		t.Run(string(schedule), func(t *testing.T) {
			tm := newTestModules(t)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			rec := tm.runCtx(t, ctx, src, engine.Options{Schedule: schedule, OnEvent: cancelWhenStarted("slow", cancel)})
			check(t, rec, engine.StatusCancelled, map[string]want{
				"slow":        {engine.StatusCancelled, "cancelled while running"},
				"plain":       {engine.StatusCancelled, "not started"},
				"after_plain": {engine.StatusSuccess, ""},
				"on_cancel":   {engine.StatusSuccess, ""},
				"on_failure":  {engine.StatusCancelled, "not started"},
				"queued":      {engine.StatusSuccess, ""},
				"gated":       {engine.StatusSkipped, "when is false"},
			})
		})
	}
}

func TestCancelledIsFalseWhenNothingWasCancelled(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "nodes:\n  a: {module: echo}\n  b: {module: echo, needs: a, when: cancelled()}\n  c: {module: echo, needs: a, when: always()}\n", engine.Options{})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"b": {engine.StatusSkipped, "when is false"},
		"c": {engine.StatusSuccess, ""},
	})
}

// A clean-up node is bounded by its own time-out, or the engine's
// CleanupTimeout: it cannot hold a cancelled run for ever.
func TestCleanupNodeIsBounded(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("t.yaml", []byte("nodes:\n  slow: {module: busy, with: {for: 10s}}\n  tidy: {module: busy, needs: slow, when: always(), with: {for: 10s}}\n"), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(tm.reg)
	eng.Grace = 100 * time.Millisecond
	eng.CleanupTimeout = 50 * time.Millisecond
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	rec, err := eng.Run(ctx, plan, engine.Options{OnEvent: cancelWhenStarted("slow", cancel)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rec, engine.StatusCancelled, map[string]want{
		"slow": {engine.StatusCancelled, ""},
		"tidy": {engine.StatusError, "timed out"},
	})
}

// Hurrying a cancelled run (a second Ctrl-C) ends its clean-up nodes too.
func TestHurryEndsCleanupNodes(t *testing.T) {
	tm := newTestModules(t)
	hurry := make(chan struct{})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	onSlow := cancelWhenStarted("slow", cancel)
	events := func(ev engine.Event) {
		onSlow(ev)
		if ev.Kind == engine.NodeStarted && ev.Node == "tidy" {
			close(hurry) // a second Ctrl-C while the clean-up node runs
		}
	}
	start := time.Now()
	rec := tm.runCtx(t, ctx, "nodes:\n  slow: {module: busy, with: {for: 10s}}\n  tidy: {module: busy, needs: slow, when: always(), with: {for: 10s}}\n  late: {module: echo, needs: tidy, when: always()}\n", engine.Options{Hurry: hurry, OnEvent: events})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the hurried run took %v: its clean-up node was not ended", d)
	}
	check(t, rec, engine.StatusCancelled, map[string]want{
		"slow": {engine.StatusCancelled, ""},
		"tidy": {engine.StatusCancelled, ""},
		"late": {engine.StatusCancelled, "not started"},
	})
}

// cancelWhenStarted returns an OnEvent that cancels the run once node has
// started: a cancel that does not depend on timing.
func cancelWhenStarted(node string, cancel context.CancelCauseFunc) func(engine.Event) {
	return func(ev engine.Event) {
		if ev.Kind == engine.NodeStarted && ev.Node == node {
			cancel(engine.ErrInterrupted)
		}
	}
}

// A node below a root that is settled at once (its when is false) runs
// once: it was readied twice, and ran twice, the second time without its
// inputs.
func TestNodeBelowASettledRootRunsOnce(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "nodes:\n  a: {module: echo, when: 'false'}\n  b: {module: flaky, needs: a, when: always(), with: {succeed_on: 1}}\n  c: {module: flaky, needs: b, with: {succeed_on: 1}}\n", engine.Options{})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"a": {engine.StatusSkipped, "when is false"},
		"b": {engine.StatusSuccess, ""},
		"c": {engine.StatusSuccess, ""},
	})
	if got := strings.Join(tm.started, ","); got != "b,c" {
		t.Errorf("started %s, want b,c", got)
	}
}

// In the levels schedule, a node whose needs are done waits for its level;
// cancelled while it waits, it is settled once, and the clean-up node
// below it and a running node still runs once both have ended. (Readied
// again when its level opened, it was released twice: the level count went
// below zero, no later level opened, and the clean-up node never ran.)
func TestLevelsCancelOfAHeldNode(t *testing.T) {
	src := `
nodes:
  slow: {module: busy, with: {for: 10s}}
  quick: {module: echo}
  held: {module: echo, needs: quick}
  tidy: {module: echo, needs: [held, slow], when: always()}
`
	tm := newTestModules(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	finished := map[string]int{}
	var mu sync.Mutex
	rec := tm.runCtx(t, ctx, src, engine.Options{Schedule: engine.Levels, MaxParallel: 4, OnEvent: func(ev engine.Event) {
		if ev.Kind == engine.NodeFinished {
			mu.Lock()
			finished[ev.Node]++
			mu.Unlock()
			if ev.Node == "quick" { // held is ready now, and waits for slow's level
				cancel(engine.ErrInterrupted)
			}
		}
	}})
	check(t, rec, engine.StatusCancelled, map[string]want{
		"slow": {engine.StatusCancelled, "cancelled while running"},
		"held": {engine.StatusCancelled, "not started"},
		"tidy": {engine.StatusSuccess, ""},
	})
	for id, n := range finished {
		if n != 1 {
			t.Errorf("node %s finished %d times", id, n)
		}
	}
}
