// Package engine owns running a pipeline: selecting nodes, scheduling them
// as their needs finish, `when` and `${{ }}`, time-outs, retries,
// cancellation, results and run records. It knows modules only through the
// modules.Module interface.
package engine

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// Schedule is how ready nodes are started.
type Schedule string

const (
	// Eager starts each node as soon as its needs are done.
	Eager Schedule = "eager"
	// Levels runs the graph level by level: a level starts when the whole
	// level before it is done.
	Levels Schedule = "levels"
)

// DefaultCleanupTimeout bounds a clean-up node (its when calls always() or
// cancelled()) that runs after its run was cancelled and has no timeout of
// its own.
const DefaultCleanupTimeout = time.Minute

// DefaultGrace is how long a module may take to return once its context
// ends before the engine stops waiting for it.
const DefaultGrace = 2 * time.Second

// HurryGrace is the grace left once Options.Hurry is closed: time for
// programs just killed to be reaped and recorded as they ended.
const HurryGrace = 250 * time.Millisecond

// Engine runs pipelines with the modules of a registry. It holds no state
// between runs: one Engine can run many pipelines, also at once.
type Engine struct {
	Registry *modules.Registry
	// Logger receives the engine's own log; nil discards it.
	Logger *slog.Logger
	// NodeLogger returns the logger a node's module writes to; nil means
	// Logger with a "node" attribute.
	NodeLogger func(node string) *slog.Logger
	// Grace is how long a cancelled module may take to return; 0 means
	// DefaultGrace.
	Grace time.Duration
	// CleanupTimeout bounds a clean-up node that starts after its run was
	// cancelled and has no timeout; 0 means DefaultCleanupTimeout.
	CleanupTimeout time.Duration
}

func (e *Engine) cleanupTimeout() time.Duration {
	if e.CleanupTimeout > 0 {
		return e.CleanupTimeout
	}
	return DefaultCleanupTimeout
}

// New returns an engine for the modules in reg.
func New(reg *modules.Registry) *Engine { return &Engine{Registry: reg} }

// Load reads, checks and compiles a pipeline file for this engine.
func (e *Engine) Load(path string) (*Plan, error) { return Load(path, e.Registry) }

// Options choose what a run runs and how.
type Options struct {
	// Config holds resolved config values (see ResolveConfig); nil runs
	// with the pipeline's defaults.
	Config map[string]any
	// Only runs these nodes and what they need.
	Only []string
	// Skip drops these nodes and what needs them.
	Skip []string
	// SkipModules drops nodes of these modules and what needs them.
	SkipModules []string
	// Tags runs the nodes tagged with any of these (their own tags or
	// their module's) and what they need, beside the nodes of Only.
	Tags []string
	// SkipTags drops the nodes tagged with any of these and what needs
	// them (--no-web is SkipTags web).
	SkipTags []string
	// Env holds variables that programs of exec and python nodes get on
	// top of pipe's environment, below the resolved config (see
	// EnvFileExtras): the .env files' keys the pipeline does not declare
	// (its dotenv files', then --config's, a later one winning).
	// Those whose names are secret (schema.Pipeline.IsSecret) are masked
	// like secret config values.
	Env map[string]string
	// Secrets are values to mask as the run's secret config values are,
	// besides them: a sub-pipeline's run gets its parent's, so that a
	// parent's secret passed down under a plain key does not show.
	Secrets []string
	// MaxParallel bounds how many nodes run at once; 0 means the pipeline's
	// max_parallel, or else the number of CPUs. Nodes of modules that wait
	// (Info.Waits) do not count.
	MaxParallel int
	Schedule    Schedule
	// RunID names the run; "" makes a new one.
	RunID string
	// ConfigFrom says where each Config value came from (see
	// ResolveConfigFrom), for the record; a key it lacks is a default.
	ConfigFrom map[string]string
	// Version is the version of the program running the engine, for the
	// record; FileHash a hash of the pipeline file (see Record.FileHash).
	Version  string
	FileHash string
	// Keep holds nodes of an earlier run (KeptFrom) whose outputs this run
	// keeps instead of running them again (pipe run --resume): a node is
	// kept when it is here and every node it needs was kept too; the
	// others run.
	Keep     map[string]Kept
	KeptFrom string
	// KeptConfig is the config of the run KeptFrom, as its record holds
	// it (Record.Config): a node is not kept when a value it reads, or
	// its program's environment holds, changed since, nor a secret's
	// source. nil checks none (pipe run --resume --force).
	KeptConfig map[string]ConfigValue
	// KeptRun is what the record of the run KeptFrom says of its programs'
	// base directory and environment (Record.Resume): a node is not kept
	// when its base directory changed since, nor a program's node when a
	// key of the .env file that reaches its environment did. nil checks
	// none (a record of an earlier pipe, or --force).
	KeptRun *RunResume
	// DigestKey keys the digests the run's record holds of secret config
	// values (RunResume.Secrets), HMAC-SHA256 under it: a record read
	// elsewhere (shared, attached to a CI job) gives no way to test
	// guesses of a secret against it, where a plain SHA-256 of a short
	// one is found by trying values. pipe run keeps one in its runs
	// directory. A run without one records no such digest: a resumed run
	// then compares only where each secret came from.
	DigestKey []byte
	// OnEvent, when set, hears every node start and end, in order and one at
	// a time (not always from the same goroutine). It holds up the scheduling
	// of other nodes while it runs: it must not block for long.
	OnEvent func(Event)
	// LogDir, when set, is the run's log directory: each node's module
	// gets <LogDir>/<node>.log as modules.Input.LogFile (the exec and
	// python modules append their program's output to it). It is made when
	// the first line comes, so a run of in-process nodes makes nothing.
	LogDir string
	// Journal, when set, gets a JSON line for each node as it ends (see
	// JournalLine), flushed at least every 200 ms: the run's progress, for
	// when the process dies before the record is written.
	Journal io.Writer
	// CacheDir, when set, is the node cache's store (.pipe/cache/nodes):
	// a node that caches (`cache: true`, or a deterministic module) whose
	// key is there reuses the entry's outputs, message and log instead of
	// running; one that runs and succeeds is stored. NoCache runs every
	// node but still stores what succeeds (pipe run --no-cache).
	CacheDir string
	NoCache  bool
	// Submitted, when set, is when the run was asked for, and its
	// record's start: a run on Temporal may wait for a worker to take it,
	// and that wait is part of the run its user sees. Zero: when it opens.
	Submitted time.Time
	// Hurry, once closed, cuts the grace of a cancelled run to HurryGrace:
	// nodes still running then are abandoned (a second Ctrl-C).
	Hurry <-chan struct{}
	// Adopts, when set, is asked whether the run takes a change of what
	// the core decides (see Change), and must answer alike for the whole
	// run: a Temporal workflow asks workflow.GetVersion, so that a run an
	// earlier pipe started replays as it ran. nil takes every change.
	Adopts func(Change) bool

	// valueLimit, when set, replaces MaxRunValueBytes: tests use a small
	// one rather than allocate hundreds of megabytes.
	valueLimit int64
}

// EventKind says what happened to a node.
type EventKind int

// The events a run reports.
const (
	NodeStarted EventKind = iota + 1
	NodeFinished
)

// Event is a node starting or ending.
type Event struct {
	Kind EventKind
	Node string
	// Record is a copy of the node's record at the time of the event.
	Record NodeRecord
}

// splitIDs splits a list of node ids at its commas, but not at those in
// an instance's key: a matrix names its instances fit[england,elo].
func splitIDs(raw string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '[':
			depth++
		case ']':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				out = append(out, raw[start:i])
				start = i + 1
			}
		}
	}
	return append(out, raw[start:])
}

// maxParallel picks the concurrency bound.
func maxParallel(plan *Plan, opts Options) int {
	switch {
	case opts.MaxParallel > 0:
		return opts.MaxParallel
	case plan.Pipeline.MaxParallel > 0:
		return plan.Pipeline.MaxParallel
	}
	return runtime.NumCPU()
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return discard
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// Run runs plan and returns its record. The error is for a run that could
// not start (bad options); a node's failure is in the record, and the
// record's Status says how the run ended. Run returns once every node it
// started has ended.
func (e *Engine) Run(ctx context.Context, plan *Plan, opts Options) (*Record, error) {
	switch {
	case plan == nil:
		return nil, errors.New("the plan is nil: make one with engine.Load, Parse or Compile")
	case e.Registry == nil:
		return nil, errors.New("the engine's module registry is nil: engine.New(modules.Default)")
	}
	r, err := e.newRun(plan, opts)
	if err != nil {
		return nil, err
	}
	r.rec.StartedAt = time.Now().UTC()
	if err := r.writeJournalHeader(); err != nil {
		return nil, err
	}
	return r.execute(ctx), nil
}

// Kept is what a node left in an earlier run, kept by a resumed one.
type Kept struct {
	Message string
	Outputs map[string]any
	// Children are a kept pipeline node's sub-pipeline's node records, by
	// their ids under it (child, or child/grandchild): the new record
	// holds them as the earlier one did.
	Children map[string]*NodeRecord
	// CacheKey is the node's cache key in the earlier run (ResumeInfo.
	// CacheKey): a node that caches is kept only while what it reads gives
	// the same key.
	CacheKey string
	// Files are the digests of the files the node read in the earlier
	// run (ResumeInfo.Files): it is kept only while they are the same.
	Files map[string]string
	// Item is the digest of what an instance read of its item in the
	// earlier run (ResumeInfo.Item).
	Item string
	// Items are a foreach node's instances' keys in the earlier run
	// (NodeRecord.Items): its fan-in is kept only while they are the
	// same, in the same order, whatever its instances do.
	Items []string
	// NotRestorable, when set, says why the record cannot give back the
	// outputs the node gave (a secret masked in them): it runs again.
	NotRestorable string
	// Definition is the node's definition digest in the earlier run
	// (NodeRecord.Definition): it is kept only while its definition gives
	// the same. "" (a record of an earlier pipe) checks none.
	Definition string
	// Forced keeps the node whatever changed (pipe run --resume --force):
	// its Definition is not compared, and the new record holds it, the
	// definition that made the outputs, so that a later resumed run
	// without --force runs the node again if the file's differs.
	Forced bool
}
