package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// The watchdog of programs started here (exec nodes) is watched until it
// ends, with the test process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/pipe-run/pipe/modules/internal/proc/watchdog.(*Conn).watch"))
}

// testModules is a registry with the built-in echo and wait modules and
// modules that misbehave on purpose.
type testModules struct {
	reg       *modules.Registry
	running   atomic.Int32
	peak      atomic.Int32
	attempts  sync.Map // node -> *atomic.Int32
	startedMu sync.Mutex
	started   []string
}

func newTestModules(t *testing.T) *testModules {
	t.Helper()
	tm := &testModules{reg: modules.NewRegistry()}
	for _, name := range []string{"echo", "wait"} {
		info, ok := modules.Default.Lookup(name)
		if !ok {
			t.Fatalf("module %s not registered", name)
		}
		tm.reg.Register(*info)
	}
	tm.reg.Register(modules.Info{Name: "fail", Description: "fails with its message input",
		Inputs: []modules.Field{{Name: "message", Type: modules.String, Default: "boom"}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				tm.start(in.Node)
				return nil, errors.New(in.String("message"))
			})
		}})
	tm.reg.Register(modules.Info{Name: "flaky", Description: "fails until attempt `succeed_on`",
		Inputs: []modules.Field{{Name: "succeed_on", Type: modules.Int, Required: true}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				tm.start(in.Node)
				if in.Attempt < in.Int("succeed_on") {
					return nil, fmt.Errorf("attempt %d failed", in.Attempt)
				}
				return &modules.Output{Message: "ok", Values: map[string]any{"attempt": in.Attempt}}, nil
			})
		}})
	tm.reg.Register(modules.Info{Name: "priority", Description: "outputs the priority it was given",
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				return &modules.Output{Values: map[string]any{"priority": in.Priority}}, nil
			})
		}})
	tm.reg.Register(modules.Info{Name: "panic", Description: "panics",
		New: func() modules.Module {
			return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) { panic("kaboom") })
		}})
	tm.reg.Register(modules.Info{Name: "busy", Description: "holds a slot for `for`, counting how many run at once",
		Inputs: []modules.Field{{Name: "for", Type: modules.Duration, Default: "20ms"}},
		New: func() modules.Module {
			return moduleFunc(func(ctx context.Context, in *modules.Input) (*modules.Output, error) {
				tm.start(in.Node)
				n := tm.running.Add(1)
				defer tm.running.Add(-1)
				for {
					p := tm.peak.Load()
					if n <= p || tm.peak.CompareAndSwap(p, n) {
						break
					}
				}
				d, _ := in.Duration("for")
				select {
				case <-time.After(d):
					return &modules.Output{Message: "done"}, nil
				case <-ctx.Done():
					return nil, context.Cause(ctx)
				}
			})
		}})
	tm.reg.Register(modules.Info{Name: "number", Description: "says the number it was given",
		Inputs: []modules.Field{{Name: "x", Type: modules.Number, Required: true}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				return &modules.Output{Message: fmt.Sprint(in.Float("x"))}, nil
			})
		}})
	tm.reg.Register(modules.Info{Name: "stubborn", Description: "ignores cancellation for a while",
		New: func() modules.Module {
			return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
				time.Sleep(300 * time.Millisecond)
				return &modules.Output{}, nil
			})
		}})
	tm.reg.Register(modules.Info{Name: "risky", Description: "a dangerous module", Dangerous: true,
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				tm.start(in.Node)
				return &modules.Output{Message: "acted"}, nil
			})
		}})
	return tm
}

func (tm *testModules) start(node string) {
	tm.startedMu.Lock()
	tm.started = append(tm.started, node)
	tm.startedMu.Unlock()
}

type moduleFunc func(context.Context, *modules.Input) (*modules.Output, error)

func (f moduleFunc) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	return f(ctx, in)
}

func (tm *testModules) run(t *testing.T, src string, opts engine.Options) *engine.Record {
	t.Helper()
	return tm.runCtx(t, context.Background(), src, opts)
}

func (tm *testModules) runCtx(t *testing.T, ctx context.Context, src string, opts engine.Options) *engine.Record {
	t.Helper()
	plan, err := engine.Parse("test.yaml", []byte(src), tm.reg)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	eng := engine.New(tm.reg)
	eng.Grace = 100 * time.Millisecond
	rec, err := eng.Run(ctx, plan, opts)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return rec
}

type want struct {
	status engine.Status
	reason string // substring; "" checks nothing
}

func check(t *testing.T, rec *engine.Record, runStatus engine.Status, nodes map[string]want) {
	t.Helper()
	if rec.Status != runStatus {
		t.Errorf("run status = %s (%s), want %s", rec.Status, rec.Reason, runStatus)
	}
	for id, w := range nodes {
		n, ok := rec.Nodes[id]
		if !ok {
			t.Errorf("node %s missing from the record", id)
			continue
		}
		if n.Status != w.status {
			t.Errorf("node %s: status %s (reason %q, message %q), want %s", id, n.Status, n.Reason, n.Message, w.status)
		}
		if w.reason != "" && !strings.Contains(n.Reason+" "+n.Message, w.reason) {
			t.Errorf("node %s: reason %q, message %q; want it to mention %q", id, n.Reason, n.Message, w.reason)
		}
	}
}

func TestRunSemantics(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		opts   engine.Options
		status engine.Status
		nodes  map[string]want
	}{
		{
			name: "failure skips dependents, independent branch finishes",
			src: `
nodes:
  a: {module: fail, with: {message: disk full}}
  b: {module: echo, needs: a}
  c: {module: echo, needs: b}
  d: {module: echo}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"a": {engine.StatusError, "disk full"},
				"b": {engine.StatusSkipped, "need a failed"},
				"c": {engine.StatusSkipped, "need b was skipped"},
				"d": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "always and failure run after a failed need",
			src: `
nodes:
  a: {module: fail}
  cleanup: {module: echo, needs: a, when: always()}
  alert: {module: echo, needs: a, when: failure()}
  happy: {module: echo, needs: a, when: success()}
`,
			status: engine.StatusError,
			nodes: map[string]want{
				"cleanup": {engine.StatusSuccess, ""},
				"alert":   {engine.StatusSuccess, ""},
				"happy":   {engine.StatusSkipped, "when is false"},
			},
		},
		{
			name: "failure() sees a failure further up",
			src: `
nodes:
  a: {module: fail}
  b: {module: echo, needs: a}
  alert: {module: echo, needs: b, when: failure()}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"b": {engine.StatusSkipped, ""}, "alert": {engine.StatusSuccess, ""}},
		},
		{
			name: "continue_on_error lets dependents and the run go on",
			src: `
nodes:
  a: {module: fail, continue_on_error: true}
  b: {module: echo, needs: a}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusError, "continue_on_error"}, "b": {engine.StatusSuccess, ""}},
		},
		{
			name: "when false skips the node and its dependents",
			src: `
config: {FAST: true}
nodes:
  slow: {module: echo, when: "!config.FAST"}
  after: {module: echo, needs: slow}
  quick: {module: echo, when: config.FAST}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"slow":  {engine.StatusSkipped, "when is false: !config.FAST"},
				"after": {engine.StatusSkipped, "need slow was skipped"},
				"quick": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "unquoted when tag is understood",
			src: `
config: {ENABLE_DANGEROUS_AI: false}
nodes:
  safe:
    module: echo
    when: !config.ENABLE_DANGEROUS_AI
  unsafe:
    module: echo
    when: !!config.ENABLE_DANGEROUS_AI
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"safe": {engine.StatusSuccess, ""}, "unsafe": {engine.StatusSkipped, "when is false"}},
		},
		{
			name: "dangerous nodes never run while the gate is off, whatever when says",
			src: `
config: {ENABLE_DANGEROUS_AI: false}
nodes:
  act: {module: risky, when: always()}
  flagged: {module: echo, dangerous: true}
  after: {module: echo, needs: act, when: always()}
  instead: {module: echo, when: "!config.ENABLE_DANGEROUS_AI"}
`,
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"act":     {engine.StatusSkipped, "dangerous module disabled"},
				"flagged": {engine.StatusSkipped, "dangerous module disabled"},
				"after":   {engine.StatusSkipped, "needs act, a dangerous node that is disabled"},
				"instead": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "dangerous nodes run when the gate is on",
			src: `
config: {ENABLE_DANGEROUS_AI: false}
nodes:
  act: {module: risky}
`,
			opts:   engine.Options{Config: map[string]any{"ENABLE_DANGEROUS_AI": true}},
			status: engine.StatusSuccess,
			nodes:  map[string]want{"act": {engine.StatusSuccess, ""}},
		},
		{
			name: "a dangerous node is off when the pipeline has no gate key",
			src: `
nodes:
  act: {module: risky}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"act": {engine.StatusSkipped, "ENABLE_DANGEROUS_AI"}},
		},
		{
			name: "retries until success",
			src: `
nodes:
  a: {module: flaky, with: {succeed_on: 3}, retries: {limit: 3, backoff: 1ms}}
`,
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusSuccess, ""}},
		},
		{
			name: "retries run out",
			src: `
nodes:
  a: {module: flaky, with: {succeed_on: 5}, retries: {limit: 1, backoff: 1ms}}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"a": {engine.StatusError, "failed after 2 attempts"}},
		},
		{
			name: "cancelled in the wait between attempts says so",
			src: `
timeout: 50ms
nodes:
  a: {module: flaky, with: {succeed_on: 5}, retries: {limit: 3, backoff: 10s}}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"a": {engine.StatusCancelled, "cancelled while waiting to retry (attempt 1 failed): pipeline timed out"}},
		},
		{
			name: "time-out fails the node",
			src: `
nodes:
  slow: {module: wait, with: {duration: 10s}, timeout: 20ms}
  next: {module: echo, needs: slow}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"slow": {engine.StatusError, "timed out after 20ms"}, "next": {engine.StatusSkipped, ""}},
		},
		{
			name: "a module that ignores its time-out is abandoned after the grace",
			src: `
nodes:
  stuck: {module: stubborn, timeout: 10ms}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"stuck": {engine.StatusError, "did not stop"}},
		},
		{
			name: "a panic fails the node alone",
			src: `
nodes:
  p: {module: panic}
  q: {module: echo}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"p": {engine.StatusError, "panicked: kaboom"}, "q": {engine.StatusSuccess, ""}},
		},
		{
			name: "pipeline time-out cancels what is left",
			src: `
timeout: 30ms
nodes:
  slow: {module: wait, with: {duration: 10s}}
  after: {module: echo, needs: slow}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"slow": {engine.StatusCancelled, "pipeline timed out"}, "after": {engine.StatusCancelled, "not started: pipeline timed out"}},
		},
		{
			name: "--only runs the nodes and what they need",
			src: `
nodes:
  a: {module: echo}
  b: {module: echo, needs: a}
  c: {module: echo, needs: b}
  d: {module: echo}
`,
			opts:   engine.Options{Only: []string{"b"}},
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"a": {engine.StatusSuccess, ""}, "b": {engine.StatusSuccess, ""},
				"c": {engine.StatusSkipped, "not selected by --only"}, "d": {engine.StatusSkipped, "--only"},
			},
		},
		{
			name: "--skip drops the node and what needs it",
			src: `
nodes:
  a: {module: echo}
  b: {module: echo, needs: a}
  c: {module: echo, needs: b}
  d: {module: echo}
`,
			opts:   engine.Options{Skip: []string{"b"}},
			status: engine.StatusSuccess,
			nodes: map[string]want{
				"a": {engine.StatusSuccess, ""}, "b": {engine.StatusSkipped, "skipped by --skip"},
				"c": {engine.StatusSkipped, "(upstream)"}, "d": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "skipping a module (--no-web)",
			src: `
nodes:
  a: {module: echo}
  pause: {module: wait, with: {duration: 1h}}
`,
			opts:   engine.Options{SkipModules: []string{"wait"}},
			status: engine.StatusSuccess,
			nodes:  map[string]want{"a": {engine.StatusSuccess, ""}, "pause": {engine.StatusSkipped, "module disabled"}},
		},
		{
			name: "levels schedule gives the same results",
			src: `
nodes:
  a: {module: echo}
  b: {module: echo, needs: a}
  c: {module: fail}
  d: {module: echo, needs: [b, c]}
  e: {module: echo, needs: b}
`,
			opts:   engine.Options{Schedule: engine.Levels},
			status: engine.StatusError,
			nodes: map[string]want{
				"a": {engine.StatusSuccess, ""}, "b": {engine.StatusSuccess, ""}, "c": {engine.StatusError, ""},
				"d": {engine.StatusSkipped, "need c failed"}, "e": {engine.StatusSuccess, ""},
			},
		},
		{
			name: "a when that fails to evaluate fails the node",
			src: `
nodes:
  a: {module: echo, with: {n: 0}}
  b: {module: echo, needs: a, when: "1 / nodes.a.outputs.n > 1 && nodes.a.outputs.missing.x"}
`,
			status: engine.StatusError,
			nodes:  map[string]want{"b": {engine.StatusError, "when:"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			rec := tm.run(t, tt.src, tt.opts)
			check(t, rec, tt.status, tt.nodes)
		})
	}
}

// A module learns how long a chain of nodes waits on its node.
func TestModulesGetTheirPriority(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "name: p\nnodes:\n  a: {module: priority}\n  b: {module: priority, needs: a}\n  c: {module: priority, needs: b}\n  d: {module: priority, needs: a}\n", engine.Options{})
	for id, want := range map[string]int{"a": 2, "b": 1, "c": 0, "d": 0} {
		if got := rec.Nodes[id].Outputs["priority"]; got != want {
			t.Errorf("node %s: priority %v, want %d", id, got, want)
		}
	}
}
