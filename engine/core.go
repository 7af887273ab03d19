package engine

import (
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// core is the scheduling core of a run: it only decides. Told that the run
// opens, that a node ended with a result, that the run is cancelled or
// hurried, it settles nodes (skipped, failed before starting, cancelled),
// readies what their ends allow, and begins the nodes that may start now,
// in order, appending them to starts. It starts no goroutine, reads no
// clock but now, and does no I/O but through its sinks (the journal, the
// event callback, the logger; all optional), so that the same decisions
// run in this process (see run) and inside a Temporal workflow, where only
// deterministic code may run.
//
// core is not safe for concurrent use: its driver serialises the calls
// (the local run under its sched lock). mu guards only the record, for
// snapshots taken from other goroutines.
type core struct {
	plan     *Plan
	opts     Options
	limit    int
	config   map[string]any
	cfgVal   reflect.Value
	dangerOK bool
	// redact masks secret config values in what the run shows; nil when
	// the run has none.
	redact *redactor
	// outputs are the pipeline's `outputs:` as the run's end evaluated
	// them (unmasked: a parent's record masks what it keeps), outputsErr
	// their failures; outputsFailedRun is set when those alone failed it.
	outputs          map[string]any
	outputsErr       error
	outputsFailedRun bool
	// notKept holds, in a resumed run, the reasons of the nodes that
	// succeeded in the earlier run but run again (see notKeeping).
	notKept map[int]string
	// configChanged lists, in a resumed run, the config keys whose value
	// changed since the earlier run (see configChanges, whyStale).
	configChanged []configChange
	// baseDirChanged says, in a resumed run, how the base directory
	// changed since the earlier run ("" when it did not); envChanged
	// lists the .env keys that reach programs whose value changed.
	baseDirChanged string
	envChanged     []configChange
	// progEnv is what programs of exec and python nodes get (moduleEnv).
	progEnv []string
	// unexported are the keys moduleEnv left out of progEnv, and why.
	unexported map[string]string
	// logPrefix is opts.LogDir joined to a node's log file name, without
	// the name ("" without a LogDir): see logFile.
	logPrefix string
	// now is the core's clock: time.Now in-process, the workflow's
	// deterministic clock on Temporal.
	now func() time.Time
	// endIsNow is set when a node's finish time, as its driver reports
	// it, is the core's now (in process, where both are time.Now): the
	// nodes an end starts are stamped with the latest finish time the core
	// has heard (after every need of theirs, which a node that finished
	// earlier but told the core later might not be), rather than with
	// another clock read under the driver's lock. stamp is that time
	// while ended runs.
	endIsNow  bool
	latestEnd time.Time
	stamp     time.Time
	// log gets the engine's lines about nodes.
	log *slog.Logger
	// cleanupTimeout bounds a clean-up node with no time-out of its own.
	cleanupTimeout time.Duration

	mu  sync.Mutex // guards rec and the NodeRecords in it, for snapshots
	rec *Record

	// nodes holds the plan's nodes, then the instances of foreach nodes,
	// appended as each fans out (inst[i-len(plan.nodes)] says whose).
	nodes    []nodeState
	inst     []instance
	queue    readyQueue // ready to start, waiting for a slot
	freeQ    []int      // ready to start, of modules that take no slot
	slots    int        // nodes holding a slot
	inflight int        // nodes started and not finished
	journal  *journal   // nil without Options.Journal
	// readyBuf and releaseBuf are the work lists of ready and finish,
	// kept between calls so that readying a node allocates nothing.
	readyBuf, releaseBuf []int
	// starts holds the jobs begun since the driver last took them.
	starts []job
	// cause is why the run was cancelled; nil while it goes on. Once set,
	// only clean-up nodes start.
	cause error
	// values counts the bytes of JSON of the outputs the run holds, an
	// instance's twice (see charge): bounded by MaxRunValueBytes.
	values int64
	// hurried is set once the run is hurried (a second Ctrl-C): clean-up
	// nodes no longer start, and running ones are abandoned like the
	// others.
	hurried bool
	// inputsWhenReady is set in a run that does not take
	// ChangeInputsAtStart: a node's inputs are resolved as it is readied.
	inputsWhenReady bool

	// levels schedule: the level now open and how many nodes each level
	// still has to finish; nodes of later levels wait in held.
	level     int
	levelLeft []int
	held      [][]int
}

// nodeState is what the core knows of one node. Its fields are ordered
// pointers first and flags last, so that it packs into 64 bytes: a run
// holds one per node, and the garbage collector scans them all.
type nodeState struct {
	rec *NodeRecord
	// with holds the resolved inputs from the decision until the start.
	with    map[string]any
	outputs map[string]any
	// fan is set once a foreach node has fanned out: its instances.
	fan *fanState
	// blockedBy names the disabled dangerous node above this one.
	blockedBy string
	pending   int32 // needs not yet finished
	selected  bool
	done      bool
	// cleanup is set when the node started after the run was cancelled
	// (its when calls always() or cancelled()): it runs on, bounded by its
	// own time-out, and is not abandoned with the others.
	cleanup bool
	// abandoned is set when the run stopped waiting for the node a grace
	// after cancelling it: its goroutine drops its result.
	abandoned bool
	// failedAbove is set when this node or a node it needs, transitively,
	// failed: failure() is true below it.
	failedAbove bool
	// passed is set when the node succeeded, or failed under
	// continue_on_error: it counts as success below.
	passed bool
	// needFailed is set when a need of the node ended without passing
	// (release): checking that every need passed reads no other node's
	// state, which a big run finds far apart in memory.
	needFailed bool
	// kept is set when the node's outputs come from an earlier run.
	kept bool
	// backoff says whether the node, running, waits between two attempts
	// (see backoff.go): then it holds no slot.
	backoff backoffState
}

// job is a node begun: its resolved inputs and its start time.
type job struct {
	i int
	// p is the node's index in the plan (an instance's foreach node), id
	// its id: set under the core's lock, read by the node's goroutine.
	p       int
	id      string
	with    map[string]any
	started time.Time
	// cleanup is set for a clean-up node started after the run was
	// cancelled.
	cleanup bool
	// slot is set when the node holds one of the run's slots (its module
	// does not wait).
	slot bool
	// resume is set when the node started before and its back-off is
	// over: its driver, which waits for this, runs its next attempt. Only
	// i, p, id, cleanup and slot are set.
	resume bool
}

// nodeResult is how a node's attempts ended, as its driver tells the core.
type nodeResult struct {
	i    int
	with map[string]any // the resolved inputs it ran with
	// set by prepare, off the scheduler's lock: the message, the outputs
	// as modules gave them, and as the record holds them.
	message             string
	outputs             map[string]any
	recOutputs, recWith map[string]any
	recResume           *ResumeInfo
	size                int64  // of outputs (with a sub-pipeline's records) as JSON
	cacheKey            string // the node cache's key of what it ran with
	// files are the digests of the files it read, as it started, when it
	// does not cache (ResumeInfo.Files); nil for most nodes.
	files     map[string]string
	out       *modules.Output
	err       error
	attempts  int
	retryWait bool // cancelled while waiting to retry, not while running
	started   time.Time
	finished  time.Time
	// reason, when set, replaces the core's reason for a failure (a
	// worker that was lost, on Temporal).
	reason string
	// children are the records of a pipeline node's sub-pipeline's nodes
	// (see subrun.go), recorded as <node>/<child>.
	children map[string]*NodeRecord
}

// newCore makes the core of a run of plan with opts. The run's id is
// opts.RunID, or a new one.
func newCore(plan *Plan, opts Options) (*core, error) {
	if opts.Schedule == "" {
		opts.Schedule = Eager
	}
	if opts.Schedule != Eager && opts.Schedule != Levels {
		return nil, fmt.Errorf("%w: unknown schedule %q (eager or levels)", ErrUsage, opts.Schedule)
	}
	selected, reasons, err := selection(plan, opts)
	if err != nil {
		return nil, err
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = make(map[string]any, len(plan.Pipeline.Config))
		for _, c := range plan.Pipeline.Config {
			cfg[c.Key] = c.Value
		}
	}
	for key, v := range cfg {
		if i, ok := plan.env.cfgIndex[key]; ok && v != nil {
			want := plan.env.cfgType.Field(i).Type
			if want != anyType && reflect.TypeOf(v) != want {
				return nil, fmt.Errorf("%w: config %s is %T, the pipeline's default is %s", ErrUsage, key, v, want)
			}
		}
	}
	id := opts.RunID
	if id == "" {
		id = NewRunID()
	}
	n := plan.Graph.Len()
	progEnv, unexported := moduleEnv(plan, cfg, opts.Env)
	c := &core{
		plan: plan, opts: opts,
		limit:          maxParallel(plan, opts),
		config:         cfg,
		cfgVal:         plan.env.configValue(cfg),
		dangerOK:       truthy(cfg[DangerKey]),
		redact:         newRedactor(plan, cfg, opts.Env, opts.Secrets),
		progEnv:        progEnv,
		unexported:     unexported,
		logPrefix:      logPrefix(opts.LogDir),
		now:            time.Now,
		log:            discard,
		cleanupTimeout: DefaultCleanupTimeout,
		nodes:          make([]nodeState, n),
		queue:          readyQueue{height: plan.Graph.Height},
		rec: &Record{
			ID:       id,
			Pipeline: plan.Pipeline.Name,
			File:     plan.Pipeline.Source.Name,
			Status:   StatusRunning,
			Nodes:    make(map[string]*NodeRecord, n),
		},
	}
	c.queue.height = c.height
	c.inputsWhenReady = !c.adopts(ChangeInputsAtStart)
	c.rec.Config = c.recordedConfig()
	c.rec.Version = opts.Version
	c.rec.FileHash = opts.FileHash
	c.rec.ResumedFrom = opts.KeptFrom
	c.rec.Resume = runResume(plan, progEnv, cfg, c.rec.Config, opts.DigestKey)
	var keptSecrets map[string]string
	if opts.KeptRun != nil {
		keptSecrets = opts.KeptRun.Secrets
	}
	c.configChanged = configChanges(opts.KeptConfig, c.rec.Config, plan.Pipeline.IsSecret, keptSecrets, c.rec.Resume.Secrets)
	c.baseDirChanged, c.envChanged = runChanges(opts.KeptRun, c.rec.Resume)
	if opts.Journal != nil {
		c.journal = newJournal(opts.Journal, id)
	}
	recs := make([]NodeRecord, n) // one allocation for every node's record
	for i := range n {
		pn := &plan.nodes[i]
		st := &c.nodes[i]
		st.rec = &recs[i]
		st.rec.Module = pn.module
		st.rec.Status = StatusPending
		st.selected = selected[i]
		if !selected[i] {
			st.rec.Status, st.rec.Reason, st.done = StatusSkipped, reasons[i], true
		}
		st.pending = int32(len(plan.Graph.Needs(i)))
		c.rec.Nodes[pn.id] = st.rec
	}
	return c, nil
}

// DangerKey is the config key that lets dangerous nodes run.
const DangerKey = "ENABLE_DANGEROUS_AI"

// open readies the roots and begins what may start.
func (c *core) open() {
	g := c.plan.Graph
	if c.opts.Schedule == Levels {
		c.levelLeft = make([]int, 0)
		for i := range c.nodes {
			l := g.Level(i)
			for len(c.levelLeft) <= l {
				c.levelLeft = append(c.levelLeft, 0)
				c.held = append(c.held, nil)
			}
			if c.nodes[i].selected {
				c.levelLeft[l]++
			}
		}
	}
	// The roots first, then ready them: readying one may settle it at once
	// (a when that is false) and ready the nodes below, which must not be
	// readied a second time here.
	isRoot := func(i int) bool { return c.nodes[i].selected && c.nodes[i].pending == 0 }
	n := 0
	for i := range c.nodes {
		if isRoot(i) {
			n++
		}
	}
	roots := make([]int, 0, n)
	for _, i := range g.Order() {
		if isRoot(i) {
			roots = append(roots, i)
		}
	}
	for _, i := range roots {
		c.ready(i)
	}
	if c.cause == nil {
		c.startQueued()
	}
}

// ended records a node's result, readies what that allows and begins what
// may start now.
func (c *core) ended(res nodeResult) {
	c.inflight--
	c.finish(res)
	if c.endIsNow {
		// Latest by the wall clock, which records compare: two readings'
		// wall and monotonic parts are read apart, and may order two
		// ends that are nanoseconds apart differently.
		if res.finished.Round(0).After(c.latestEnd.Round(0)) {
			c.latestEnd = res.finished
		}
		c.stamp = c.latestEnd
	}
	c.startQueued()
	c.stamp = time.Time{}
}

// cancel cancels the run for cause: the nodes that have not started are
// settled, except clean-up nodes, which start when their needs end. A
// second cancel changes nothing.
func (c *core) cancel(cause error) {
	if c.cause != nil {
		return
	}
	if cause == nil {
		cause = ErrInterrupted
	}
	c.cause = cause
	c.cancelWaiting(cause, true)
}

// hurry stops clean-up nodes from starting (a second Ctrl-C).
func (c *core) hurry() { c.hurried = true }

// end settles what is left once no node runs, and the run's status.
func (c *core) end() *Record {
	if c.cause != nil {
		c.cancelWaiting(c.cause, false)
	}
	c.carryOver()
	rec := c.close()
	c.evalOutputs(rec)
	return rec
}

func (c *core) emit(kind EventKind, i int) {
	if kind == NodeFinished && c.journal != nil {
		c.journal.node(c.nodeID(i), c.nodes[i].rec)
	}
	if c.opts.OnEvent != nil {
		c.mu.Lock()
		rec := *c.nodes[i].rec
		c.mu.Unlock()
		c.opts.OnEvent(Event{Kind: kind, Node: c.nodeID(i), Record: rec})
	}
}
