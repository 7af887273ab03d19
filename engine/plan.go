package engine

import (
	"sync"
	"time"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// Plan is a pipeline checked and compiled against a registry: its graph
// built, its modules found, its expressions compiled. It is read-only and
// can be run any number of times, also at once.
type Plan struct {
	Pipeline *schema.Pipeline
	Graph    *dag.Graph
	nodes    []planNode
	env      *exprEnv
	// Warnings are problems that do not stop the plan from running (a
	// raw() in a shell script); `pipe validate` prints them.
	Warnings schema.Diagnostics
	// missingDotEnv are the Warnings of dotenv files that do not exist
	// (see RunWarnings).
	missingDotEnv schema.Diagnostics
	// outputs are the compiled `${{ }}` of the pipeline's `outputs:`, by
	// text, for a node that runs it as a sub-pipeline.
	outputs map[string]*template
	// caching is set when a node caches: a run without one does no cache
	// work.
	caching bool
	// subs are the sub-pipelines its pipeline nodes run, each once, in
	// file order, where the file is known before the run.
	subs []*Plan
	// clock is where the pipeline first calls now(), if it does.
	clock *ClockRead
	// sourceHash is SourceHash's answer, made once.
	sourceOnce sync.Once
	sourceHash string
	// defs are the nodes' definition digests (see definition), made once.
	defsOnce sync.Once
	defs     []string
	// BaseDir is the absolute directory relative paths resolve against:
	// modules get it (modules.Input.Dir) and programs run in it. See
	// LoadOptions and the pipeline's base_dir.
	BaseDir string
	// BaseDirSet says that --base-dir or a base_dir chose BaseDir, here
	// or in the pipeline that runs this one (see baseDir).
	BaseDirSet bool
}

type planNode struct {
	// The fields a run reads for every node come first, in 64 bytes:
	// a run visits nodes in an order that has little to do with the
	// file's, and the fields it read through Node lie on four of
	// Node's six cache lines, each a cache miss of its own (an eighth of
	// a 100,000-node run's time). id, module, timeout and the flags
	// below are copies of Node's (see hot).
	id, module string
	info       *modules.Info
	// when is nil for a node without `when`.
	when    *compiled
	timeout time.Duration
	// dangerous is the node's or its module's danger, or its target's
	// (see inspect).
	dangerous bool
	// fans is set when the node has a foreach; continueOnError copies
	// Node's; hasWith is set when the node has inputs; promises when it
	// has outputs (promise); exprs when it has an expression to evaluate
	// at run time (when, templates, each).
	fans, continueOnError, hasWith, promises, exprs bool

	*schema.Node
	// each is the compiled `foreach: ${{ }}`; nil without foreach or
	// for a literal one (Foreach.Value).
	each *compiled
	// templates holds the parsed `with` strings that hold `${{ }}`, by text.
	// It is not nil when the node has any template, scripts included: the
	// run builds an expression environment only for nodes that have one.
	templates map[string]*template
	// scripts holds the strings of inputs that are shell scripts
	// (modules.Field.Shell), whose values are quoted for sh: the same text
	// in another input is not.
	scripts map[string]*template
	// refs are the nodes this node's expressions read.
	refs []int
	// itemsRead is set on a foreach node when some expression may read
	// its items (nodes.<id>.items, or nodes.<id> whole): only then does
	// its fan-in make them.
	itemsRead bool
	// cache is set when the node's results are cached (see cacheplan.go);
	// configKeys are the config keys its when and inputs read, sorted
	// (its foreach's are each's: an instance's key holds its item).
	cache      bool
	configKeys []string
	// readsPipeline is set when its when or inputs read `pipeline`.
	readsPipeline bool
	// tags are the node's tags and its module's, for selection by tag.
	tags []string
	// declared says where the node's target declares itself dangerous
	// (modules.Info.Inspect); "" when it does not.
	declared string
	// sub is a pipeline node's sub-pipeline (module: pipeline).
	sub *Plan
	// promise is the node's `outputs:`, as tasks carry it (see Promised).
	promise []Promised
}

// hot copies what a run reads of the node, once it is compiled, to the
// first of pn's fields.
func (pn *planNode) hot() {
	n := pn.Node
	pn.id, pn.module, pn.timeout = n.ID, n.Module, n.Timeout
	pn.fans, pn.continueOnError, pn.hasWith = n.Foreach != nil, n.ContinueOnError, len(n.With) > 0
	pn.promises = len(pn.promise) > 0
	pn.exprs = pn.when != nil || pn.templates != nil || pn.each != nil
}

// runsOnCancel reports whether the node is a clean-up node: its when calls
// always() or cancelled(), so it may run after the run is cancelled.
func (pn *planNode) runsOnCancel() bool { return pn.when != nil && pn.when.runsOnCancel }

// Dangerous reports whether node i is dangerous, by its module or itself.
func (p *Plan) Dangerous(i int) bool { return p.nodes[i].dangerous }

// Module returns the info of node i's module.
func (p *Plan) Module(i int) *modules.Info { return p.nodes[i].info }
