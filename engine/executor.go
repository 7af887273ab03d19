package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// Task is one attempt of one node: all an executor needs to run it, and
// nothing live (no logger, no channel, no open file), so that it can be
// sent to another machine. The engine makes a Task per attempt; retries,
// `when` and the dangerous gate stay with the engine.
type Task struct {
	// Run is the run's id.
	Run string `json:"run"`
	// Pipeline is the pipeline's name.
	Pipeline string `json:"pipeline,omitempty"`
	// Node is the node's id; Module the module to run.
	Node   string `json:"node"`
	Module string `json:"module"`
	// With holds the resolved inputs: plain JSON values.
	With map[string]any `json:"with,omitempty"`
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
	// Timeout bounds the attempt; 0 for none.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Priority is the length of the longest chain of nodes waiting on
	// this one (see modules.Input.Priority).
	Priority int `json:"priority,omitempty"`
	// LogFile is where the node's programs' full output goes ("" for
	// none); Secrets the values to mask there (see modules.Input).
	LogFile string   `json:"log_file,omitempty"`
	Secrets []string `json:"secrets,omitempty"`
	// Dangerous is set for a node the pipeline marks dangerous: an
	// executor on another machine checks its own gate too.
	Dangerous bool `json:"dangerous,omitempty"`
	// Dir is the run's base directory; Env the variables programs get
	// (see modules.Input); AllowDangerous whether the run lets dangerous
	// nodes run, for a module that can tell only as it runs.
	Dir            string   `json:"dir,omitempty"`
	DirSet         bool     `json:"dir_set,omitempty"` // see modules.Input.DirSet
	Env            []string `json:"env,omitempty"`
	AllowDangerous bool     `json:"allow_dangerous,omitempty"`
	// Promise lists the outputs the node promises (its `outputs:`): the
	// executor fails the attempt when they are missing or of another type.
	Promise []Promised `json:"promise,omitempty"`

	// index is the node's index in the plan, for the engine's own executor.
	index int
	// cacheKey, when set (a node that caches, run in this process), gets
	// the node cache's key of the task, for the record (ResumeInfo).
	cacheKey *string
}

// Executor runs one attempt of a node. Its error fails the attempt; an
// error wrapping ErrTimeout or ErrNotStopped says why it ended.
type Executor interface {
	Execute(ctx context.Context, t Task) (*modules.Output, error)
}

// local is the in-process executor: it calls the module's Run in this
// process, bounds it by the task's time-out, turns a panic into an error,
// and makes its outputs plain values within the size limit.
type local struct {
	// plan, when set, is the plan the tasks come from: a task's module is
	// found by its node's index. Otherwise registry has it by name.
	plan     *Plan
	registry *modules.Registry
	// logger returns the logger of a node. (It takes the id, not the
	// task: a *Task given to a func value would escape to the heap.)
	logger func(node string) *slog.Logger
	// logs, when set, makes each attempt's input and logger together.
	logs *nodeLogs
	// run is what modules see of the run; runInfo, when set, says it
	// per task instead (a worker runs tasks of many runs).
	run     modules.RunInfo
	runInfo func(run, pipeline string) modules.RunInfo
	// grace is how long a module may take to return once its context
	// ends, before the attempt gives up on it.
	grace time.Duration
	// cacheDir, noCache and maxParallel are the run's Options.CacheDir,
	// NoCache and MaxParallel, which a sub-pipeline's run shares (see
	// pipelineModule).
	cacheDir    string
	noCache     bool
	maxParallel int
}

var _ Executor = (*local)(nil)

// NewLocalExecutor returns the in-process executor for tasks that come
// from elsewhere (a Temporal worker's activities): it finds each task's
// module in reg by name, gives a module logger(node) and runInfo(task),
// and waits grace for a module to return once its context ends (0:
// DefaultGrace). runInfo gets the run's id and its pipeline's name.
func NewLocalExecutor(reg *modules.Registry, grace time.Duration, logger func(node string) *slog.Logger, runInfo func(run, pipeline string) modules.RunInfo) Executor {
	if grace <= 0 {
		grace = DefaultGrace
	}
	return &local{registry: reg, grace: grace, logger: logger, runInfo: runInfo}
}

// Execute implements Executor.
func (l *local) Execute(ctx context.Context, t Task) (*modules.Output, error) {
	info, err := l.module(&t)
	if err != nil {
		return nil, err
	}
	run := l.run
	if l.runInfo != nil {
		// The ids, not &t: a pointer given to a func value would move
		// every task to the heap.
		run = l.runInfo(t.Run, t.Pipeline)
	}
	var in *modules.Input
	if l.logs != nil {
		in = l.logs.newAttemptInput(t.Node)
	} else {
		in = &modules.Input{Logger: l.logger(t.Node)}
	}
	in.Node, in.With, in.Attempt, in.Priority = t.Node, t.With, t.Attempt, t.Priority
	in.LogFile, in.Secrets, in.Run = t.LogFile, t.Secrets, run
	in.Dir, in.DirSet, in.Env, in.AllowDangerous, in.Spec = t.Dir, t.DirSet, t.Env, t.AllowDangerous, info
	m := info.New()
	if pm, ok := m.(*pipelineModule); ok {
		pm.cacheDir, pm.noCache, pm.maxParallel = l.cacheDir, l.noCache, l.maxParallel
	}
	out, err := l.attempt(ctx, t.Timeout, m, in)
	if err != nil {
		dropLargeValues(err)
		return nil, err
	}
	if out, err = normalize(out); err != nil {
		return nil, err
	}
	out = emptyDeclared(info, out)
	if err := checkSize(out); err != nil {
		return nil, err
	}
	if err := checkPromise(l.promise(&t), out); err != nil {
		return nil, err
	}
	return out, nil
}

// promise returns what a task's node promises: its plan's node says when
// the executor has the plan (the engine's own tasks leave Task.Promise
// unset), else the task.
func (l *local) promise(t *Task) []Promised {
	if l.plan != nil {
		if pn := &l.plan.nodes[t.index]; pn.promises {
			return pn.promise
		}
		return nil
	}
	return t.Promise
}

// module returns the module a task runs.
func (l *local) module(t *Task) (*modules.Info, error) {
	if l.plan != nil {
		return l.plan.nodes[t.index].info, nil
	}
	if info, ok := l.registry.Lookup(t.Module); ok {
		return info, nil
	}
	return nil, fmt.Errorf("module %s is not in this build of pipe", t.Module)
}

// retryable reports whether another attempt might end otherwise: outputs
// over the size limit would be the same again, and so would a module's
// read of an input it does not declare.
func retryable(err error) bool {
	var ue *modules.UndeclaredInputError
	return !errors.Is(err, modules.ErrTooLarge) && !errors.As(err, &ue)
}

type attemptResult struct {
	out *modules.Output
	err error
}

// attempt runs the module once. A panic fails the attempt. Without a
// time-out the module runs on this goroutine: if it ignores the run's
// cancellation, the coordinator stops waiting for it after the grace. With
// a time-out it runs on a goroutine of its own, so that this one can give
// up on it; a module that does not return within the grace after its
// context ends is abandoned (its goroutine is the one thing left behind).
func (l *local) attempt(ctx context.Context, timeout time.Duration, mod modules.Module, in *modules.Input) (*modules.Output, error) {
	if timeout <= 0 {
		res := runModule(ctx, mod, in)
		if res.err == nil && res.out == nil {
			res.out = &modules.Output{}
		}
		return res.out, res.err
	}
	actx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("%w after %s", ErrTimeout, timeout))
	defer cancel()
	done := make(chan attemptResult, 1)
	go func() { done <- runModule(actx, mod, in) }()
	var res attemptResult
	select {
	case res = <-done:
	case <-actx.Done():
		t := time.NewTimer(l.grace)
		select {
		case res = <-done:
			t.Stop()
		case <-t.C:
			return nil, fmt.Errorf("%w within %s: %w", ErrNotStopped, l.grace, context.Cause(actx))
		}
	}
	if res.err != nil && actx.Err() != nil && ctx.Err() == nil {
		// The node's own time-out ended it: say so first, and once (the
		// module's error may say it too: "killed: timed out after 1s").
		return nil, newTimedOut(context.Cause(actx), res.err)
	}
	if res.err == nil && res.out == nil {
		res.out = &modules.Output{}
	}
	return res.out, res.err
}

// timedOut is a module's error once the node's time-out ended it: the
// time-out, then what the module said, without the time-out again.
type timedOut struct {
	cause, err error
	rest       string // err's text without cause's
}

func newTimedOut(cause, err error) *timedOut {
	return &timedOut{cause: cause, err: err, rest: strings.Replace(err.Error(), ": "+cause.Error(), "", 1)}
}

func (e *timedOut) Error() string {
	if e.rest == e.cause.Error() {
		return e.rest // the module's error is the time-out itself (wait)
	}
	return e.cause.Error() + ": " + e.rest
}
func (e *timedOut) Unwrap() []error { return []error{e.cause, e.err} }

// runModule calls the module, turning a panic into an error.
func runModule(ctx context.Context, mod modules.Module, in *modules.Input) (res attemptResult) {
	defer func() {
		if p := recover(); p != nil {
			in.Logger.Debug("module panicked", "panic", p, "stack", string(debug.Stack()))
			if ue, ok := p.(*modules.UndeclaredInputError); ok {
				// Its message says what is wrong and where to fix it.
				res = attemptResult{err: ue}
				return
			}
			res = attemptResult{err: fmt.Errorf("module panicked: %v", p)}
		}
	}()
	res.out, res.err = mod.Run(ctx, in)
	return res
}
