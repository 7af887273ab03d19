// Package temporal runs pipe's pipelines durably on Temporal: the run is a
// workflow that drives the engine's scheduling core (engine.Scheduler),
// each node attempt is an activity that a `pipe worker` runs with the
// modules compiled into it, and a client submits, follows, cancels and
// records runs.
//
// What crosses the wire is JSON in pipe's own dialect (modules.MarshalJSON
// and modules.DecodeJSON), not the SDK's default converter: integers stay
// integers and NaN stays a number, as in a local run.
package temporal

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// Names shared by clients and workers.
const (
	// WorkflowName is the workflow type of a pipe run.
	WorkflowName = "pipe.run"
	// ActivityName is the activity type of one node attempt.
	ActivityName = "pipe.node"
	// QueryRecord is the query that returns the run record as it stands.
	QueryRecord = "record"
	// QuerySource returns the pipeline file the run runs.
	QuerySource = "source"
	// QueryProgress returns, given the version a follower last read,
	// how the run's nodes stand (a Progress), without their inputs and
	// outputs, or only the version when nothing changed.
	QueryProgress = "progress"
	// DefaultTaskQueue is the task queue workers poll and runs go to.
	DefaultTaskQueue = "pipe"
	// DefaultNamespace is Temporal's default namespace.
	DefaultNamespace = "default"
	// DefaultHeartbeat is how long a worker may go silent before its node
	// attempt is taken as lost and run again elsewhere.
	DefaultHeartbeat = 10 * time.Second
	// PayloadLimit is Temporal's default limit on one payload: a node's
	// outputs must fit in it, with room for the rest of the result.
	PayloadLimit = 2 << 20
	// maxOutputJSON is what a node's outputs may take: the limit with
	// room for the envelope and the history's other fields.
	maxOutputJSON = PayloadLimit - 64<<10
	// maxTaskJSON is what a node attempt's task (its inputs, with the
	// run's environment) may take, as its outputs.
	maxTaskJSON = PayloadLimit - 64<<10
	// maxRunJSON is what a run's input (the pipeline file, its config and
	// .env) may take.
	maxRunJSON = PayloadLimit - 64<<10
	// DefaultDangerousWait is how long a dangerous node waits for a
	// worker started with --allow-dangerous.
	DefaultDangerousWait = 30 * time.Second
	// maxLostAttempts bounds how many times a node is run again because
	// its worker was lost (not counted against its retries).
	maxLostAttempts = 3
)

// Error types of the activity's failures, as the workflow reads them.
const (
	errModule    = "ModuleError"    // the module failed: retried per the node's retries
	errRefused   = "Refused"        // the worker refused the node (dangerous gate): never retried
	errTooLarge  = "TooLarge"       // outputs over the payload limit: never retried
	errTimeout   = "Timeout"        // the node's own time-out: retried per the node's retries
	errNotInThis = "ModuleNotFound" // the worker's pipe lacks the module: never retried
	errStopped   = "WorkerStopped"  // the worker was stopped: run again elsewhere, as a lost attempt
	errOtherFile = "FilesDiffer"    // the worker's files are not the client's: run again elsewhere, as a lost attempt, then fail
)

// RunInput is the workflow's input: the pipeline file itself (the worker
// compiles it again with its own modules) and the run's options.
type RunInput struct {
	// File is the pipeline file's path relative to BaseDir, as a pipeline
	// node's file is (its sub-pipelines resolve against its directory).
	File string `json:"file"`
	// BaseDir is the run's base directory relative to the project's root,
	// where workers are started ("" for their own directory): programs
	// run there, and relative paths resolve against it.
	BaseDir string `json:"base_dir,omitempty"`
	Source  []byte `json:"source"`
	// Config holds the resolved config values, in pipe's JSON dialect.
	Config     json.RawMessage   `json:"config,omitempty"`
	ConfigFrom map[string]string `json:"config_from,omitempty"`
	// Declared holds the nodes whose files declare them dangerous, as the
	// client found them (engine.Plan.Declared): the workflow reads no file.
	Declared map[string]string `json:"declared,omitempty"`
	// Env holds the keys of the client's .env file the pipeline does not
	// declare: they reach modules' environment (see engine.Options.Env).
	Env         map[string]string `json:"env,omitempty"`
	RunID       string            `json:"run_id"`
	Only        []string          `json:"only,omitempty"`
	Skip        []string          `json:"skip,omitempty"`
	SkipModules []string          `json:"skip_modules,omitempty"`
	// Tags and SkipTags select nodes by tag (--tags, --skip-tags; --no-web
	// is SkipTags web), as engine.Options.
	Tags     []string `json:"tags,omitempty"`
	SkipTags []string `json:"skip_tags,omitempty"`
	// MaxParallel bounds the nodes running at once in the whole run; each
	// worker bounds its own too (pipe worker --max-parallel).
	MaxParallel int    `json:"max_parallel"`
	Schedule    string `json:"schedule,omitempty"`
	Version     string `json:"version,omitempty"`
	FileHash    string `json:"file_hash,omitempty"`
	// Host is the submitting client's host, for the record.
	Host string `json:"host,omitempty"`
	// TaskQueue is where node activities go; "" for the workflow's own.
	TaskQueue string `json:"task_queue,omitempty"`
	// Heartbeat is how long a worker may go silent; 0 for DefaultHeartbeat.
	Heartbeat time.Duration `json:"heartbeat,omitempty"`
	// DangerousWait is how long a dangerous node waits for a worker that
	// allows it (on DangerousQueue) before it fails as refused; 0 for
	// DefaultDangerousWait.
	DangerousWait time.Duration `json:"dangerous_wait,omitempty"`
	// Files holds, per node id, the SHA-256 (hex) of each file a worker
	// reads from its own disk to run the node (engine.Plan.WorkerReads),
	// by its name relative to BaseDir, as the client found it: a worker
	// whose file differs refuses the run (see FileDigests). A run of an
	// earlier pipe has none, and is not checked.
	Files map[string]map[string]string `json:"files,omitempty"`
	// Secrets are values the run masks besides its secret config values:
	// what its pipeline nodes hand their sub-pipelines' secret keys
	// (engine.SubSecrets), which the workflow, compiling no sub-pipeline,
	// cannot find. A run of an earlier pipe has none.
	Secrets []string `json:"secrets,omitempty"`
}

// MaxPendingNodes bounds the nodes a run on Temporal has started and not
// yet seen end: the server refuses a workflow more than 2,000 pending
// activities by default (a foreach of 2,010 instances hung the run), and
// a node's attempt and its heartbeat timer are one each.
const MaxPendingNodes = 1000

// options turns the input into the engine's options, config typed as
// plan declares it.
func (in *RunInput) options(plan *engine.Plan) (engine.Options, error) {
	opts := engine.Options{
		RunID: in.RunID, Only: in.Only, Skip: in.Skip, SkipModules: in.SkipModules, Tags: in.Tags, SkipTags: in.SkipTags,
		MaxParallel: in.MaxParallel, Schedule: engine.Schedule(in.Schedule), ConfigFrom: in.ConfigFrom,
		Version: in.Version, FileHash: in.FileHash, Env: in.Env, Secrets: in.Secrets,
	}
	if opts.MaxParallel <= 0 || opts.MaxParallel > MaxPendingNodes {
		// Not the workflow's machine's CPU count: a replay elsewhere
		// would decide otherwise. Unbounded but for the server (a fan-out
		// may have more instances than the plan has nodes): workers bound
		// their share.
		opts.MaxParallel = MaxPendingNodes
	}
	if len(in.Config) > 0 {
		v, err := modules.DecodeJSON(in.Config)
		if err != nil {
			return opts, fmt.Errorf("config: %w", err)
		}
		cfg, ok := v.(map[string]any)
		if !ok {
			return opts, fmt.Errorf("config is %T, not an object", v)
		}
		opts.Config = engine.TypedConfig(plan, cfg)
	}
	return opts, nil
}

// taskWire is an engine.Task on the wire, with what the worker needs to
// know of the attempt before it (Prior; a workflow of an earlier pipe
// sends none), and the digests of the files the worker reads by itself to
// run it (Files: RunInput.Files of its node).
type taskWire struct {
	engine.Task
	With  json.RawMessage   `json:"with,omitempty"`
	Prior *priorAttempt     `json:"prior,omitempty"`
	Files map[string]string `json:"files,omitempty"`
}

// priorAttempt is, for an attempt after the first, how many attempts the
// node may have by now (its retries', and those lost with their workers)
// and how the attempt before it ended: the worker starts the attempt's
// part of the node's log file with them (engine.MarkRetry), as a local
// run does.
type priorAttempt struct {
	Of    int    `json:"of"`
	Ended string `json:"ended"`
}

func encodeTask(t engine.Task, prior *priorAttempt, files map[string]string) ([]byte, error) {
	with, err := modules.MarshalJSON(t.With)
	if err != nil {
		return nil, fmt.Errorf("inputs of %s: %w", t.Node, err)
	}
	t.With = nil
	return json.Marshal(taskWire{Task: t, With: with, Prior: prior, Files: files})
}

func decodeTask(b []byte) (engine.Task, *priorAttempt, map[string]string, error) {
	var w taskWire
	if err := json.Unmarshal(b, &w); err != nil {
		return engine.Task{}, nil, nil, err
	}
	t := w.Task
	if len(w.With) > 0 && string(w.With) != "null" {
		v, err := modules.DecodeJSON(w.With)
		if err != nil {
			return t, w.Prior, w.Files, fmt.Errorf("inputs: %w", err)
		}
		t.With, _ = v.(map[string]any)
	}
	return t, w.Prior, w.Files, nil
}

// outputWire is a modules.Output on the wire; Worker names the worker
// that ran the attempt, Output holds the end of what it printed (a worker
// of an earlier pipe sends none; a workflow of one ignores it).
type outputWire struct {
	Message string          `json:"message,omitempty"`
	Values  json.RawMessage `json:"values,omitempty"`
	Worker  string          `json:"worker,omitempty"`
	Output  *OutputTail     `json:"output,omitempty"`
}

func decodeValues(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	v, err := modules.DecodeJSON(raw)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// Progress answers QueryProgress: Record is nil when the run is still
// at the version the follower gave. Outputs are the ends of what the
// node attempts that ended since printed, as far as the run keeps them:
// all of those from version OutputsFrom on.
type Progress struct {
	Version     int            `json:"version"`
	Record      *engine.Record `json:"record,omitempty"`
	Outputs     []NodeOutput   `json:"outputs,omitempty"`
	OutputsFrom int            `json:"outputs_from,omitempty"`
}

// tooLargeAdvice ends each message about data over the payload limit.
const tooLargeAdvice = "write large data to a file the next node can read (shared storage) and pass its path"

// part is one piece of a payload, for saying which are large.
type part struct {
	name string
	size int
}

// largest names the largest of parts, biggest first (those of one size by
// name), at most three and none under a hundredth of total: what to make
// smaller. Deterministic, as workflow code must be.
func largest(parts []part, total int) string {
	slices.SortFunc(parts, func(a, b part) int { return cmp.Or(cmp.Compare(b.size, a.size), strings.Compare(a.name, b.name)) })
	var named []string
	for _, p := range parts {
		if len(named) == 3 || p.size < total/100 {
			break
		}
		named = append(named, p.name+" "+modules.Size(int64(p.size)))
	}
	return strings.Join(named, ", ")
}

// inputsTooLarge says that task, size bytes of JSON, is over what
// Temporal takes in one payload, and which of its inputs make it so.
func inputsTooLarge(t engine.Task, size int) string {
	var parts []part
	for k, v := range t.With {
		b, err := modules.MarshalJSON(v)
		if err == nil {
			parts = append(parts, part{"with." + k, len(b)})
		}
	}
	env := 0
	for _, kv := range t.Env {
		env += len(kv) + 3
	}
	if env > 0 {
		parts = append(parts, part{"the run's environment (.env keys)", env})
	}
	return fmt.Sprintf("inputs are %s of JSON (%s), over the %s Temporal takes in one payload: %s",
		modules.Size(int64(size)), largest(parts, size), modules.Size(PayloadLimit), tooLargeAdvice)
}
