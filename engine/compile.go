package engine

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
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

// Load reads, checks and compiles the pipeline file at path. Problems with
// the file come back as schema.Diagnostics, every one found, sorted.
func Load(path string, reg *modules.Registry) (*Plan, error) {
	return LoadWith(path, reg, LoadOptions{})
}

// Parse checks and compiles a pipeline from data, as if read from the file
// called name: for pipelines built in code or read from elsewhere.
func Parse(name string, data []byte, reg *modules.Registry) (*Plan, error) {
	p, diags := schema.Parse(name, data)
	return compileIn(p, diags, reg, "", nil)
}

// compileIn compiles p with base directory override ("" for the default;
// see baseDir), or, for a sub-pipeline, its parent's base directory;
// diags hold the problems found in reading it.
func compileIn(p *schema.Pipeline, diags schema.Diagnostics, reg *modules.Registry, override string, parent *base) (*Plan, error) {
	if override != "" {
		if _, err := baseDir(p, override, nil); err != nil {
			return nil, err
		}
	}
	plan, more := compileWithDir(p, reg, override, parent, false)
	if plan == nil || len(diags) > 0 {
		// Warnings go with the errors: the user sees all at once.
		diags = append(diags, more...)
		if plan != nil {
			diags = append(diags, plan.Warnings...)
		}
		diags.Sort()
		return nil, dedupe(diags)
	}
	return plan, nil
}

// dedupe drops diagnostics repeated at the same place with the same
// message (a partly read file can yield the same problem twice).
func dedupe(ds schema.Diagnostics) schema.Diagnostics {
	out := ds[:0]
	for i, d := range ds {
		if i > 0 {
			prev := out[len(out)-1]
			if prev.Line == d.Line && prev.Col == d.Col && prev.Message == d.Message {
				continue
			}
		}
		out = append(out, d)
	}
	return out
}

// Compile checks what the file alone cannot tell (the graph, modules and
// their inputs, expressions) and compiles p into a Plan. It goes as far as
// it can to report every problem; the Plan is nil when there is any.
func Compile(p *schema.Pipeline, reg *modules.Registry) (*Plan, schema.Diagnostics) {
	return compile(p, reg, "")
}

func compile(p *schema.Pipeline, reg *modules.Registry, override string) (*Plan, schema.Diagnostics) {
	return compileWithDir(p, reg, override, nil, false)
}

// compileWithDir compiles p with its base directory from override, else
// its base_dir, else parent's (see baseDir); offline, it reads no file (no
// base directory, no Inspect), for a plan compiled again elsewhere.
func compileWithDir(p *schema.Pipeline, reg *modules.Registry, override string, parent *base, offline bool) (*Plan, schema.Diagnostics) {
	var stack []string
	if _, ok := p.Source.Dir(); ok {
		if abs, err := filepath.Abs(p.Source.Name); err == nil {
			stack = []string{realPath(abs)}
		}
	}
	return compileStack(p, reg, override, parent, offline, stack, nil)
}

// realPath is abs with its links resolved, the file's identity in a chain
// of sub-pipelines: through a link to a directory above (dl/up -> ..) a
// file includes itself under a longer path each time. abs when it cannot
// be resolved (the error is the load's to say).
func realPath(abs string) string {
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

func compileStack(p *schema.Pipeline, reg *modules.Registry, override string, parent *base, offline bool, stack []string, loaded map[subKey]*loadedSub) (*Plan, schema.Diagnostics) {
	p, early, index := completed(p)
	c := &compiler{p: p, src: p.Source, reg: reg, env: newExprEnv(WithDangerKey(p.Config)), diags: early, stack: stack, offline: offline, loaded: loaded}
	if !offline {
		var err error
		if c.base, err = baseDir(p, override, parent); err != nil {
			var d *schema.Diagnostic
			if !errors.As(err, &d) {
				d = p.Source.Diag(schema.Pos{}, "", "%v", err)
			}
			c.diags = append(c.diags, d)
		}
	}
	var graphDiags schema.Diagnostics
	c.g, graphDiags = dag.BuildWithIndex(p, index)
	c.diags = append(c.diags, graphDiags...)
	nodes := make([]planNode, len(p.Nodes))
	c.env.fanout = fanKinds(p)
	c.pipelines()
	if !offline && parent == nil {
		c.checkDotEnv()    // a sub-pipeline's is not read: see subDotEnv
		c.checkConfigEnv() // nor does the environment reach one
	}
	for i, n := range p.Nodes {
		nodes[i] = c.node(i, n)
		nodes[i].hot()
	}
	c.checkRefs()
	outputs := c.compileOutputs()
	for j := range c.itemsRead {
		nodes[j].itemsRead = true
	}
	if len(c.diags) > 0 {
		c.diags = append(c.diags, c.warnings...)
		c.diags.Sort()
		return nil, c.diags
	}
	c.warnings.Sort()
	caching := slices.ContainsFunc(nodes, func(pn planNode) bool { return pn.cache })
	var subs []*Plan
	for _, i := range slices.Sorted(maps.Keys(c.subs)) {
		if sub := c.subs[i]; sub.plan != nil && !slices.Contains(subs, sub.plan) {
			subs = append(subs, sub.plan)
		}
	}
	return &Plan{Pipeline: p, Graph: c.g, nodes: nodes, env: c.env, Warnings: c.warnings, caching: caching, BaseDir: c.base.dir, BaseDirSet: c.base.by != byDefault, outputs: outputs, subs: subs, clock: c.clock, missingDotEnv: c.missingDotEnv}, nil
}

type compiler struct {
	p     *schema.Pipeline
	src   *schema.Source
	reg   *modules.Registry
	env   *exprEnv
	g     *dag.Graph // without order or levels when it has problems
	diags schema.Diagnostics
	// refs are the `nodes.<id>` reads of every expression, as (read node,
	// reading node), and refAt where each is written.
	refs  []dag.Pair
	refAt []schema.Pos
	// warnings do not stop the plan (schema.Warning); missingDotEnv are
	// those of dotenv files that do not exist.
	warnings, missingDotEnv schema.Diagnostics
	// base is the plan's base directory; its dir is "" offline.
	base base
	// inForeach is set while a foreach expression compiles: item is not
	// set there yet.
	inForeach bool
	// stack holds the absolute paths of the files being compiled, this
	// one last: a pipeline node that includes one of them is a cycle.
	stack []string
	// subs are the pipeline nodes' sub-pipelines, by node index.
	subs map[int]*subPlan
	// offline is set for a plan compiled again where it runs (a Temporal
	// workflow): it reads no file, sub-pipelines' included.
	offline bool
	// loaded holds the sub-pipelines compiled so far by absolute path
	// and inherited base directory, shared by every file of one compile:
	// a file included many times is read and compiled once for each base
	// directory it runs in.
	loaded map[subKey]*loadedSub
	// clock is the first expression of the file that calls now().
	clock *ClockRead
	// itemsRead holds the nodes whose items (nodes.<id>.items) some
	// expression may read; nil while none does.
	itemsRead map[int]struct{}
}

// checkRefs reports every expression that reads a node its node does not
// transitively need. One batched question for the whole pipeline keeps
// this linear in its size (a search per reference was quadratic).
func (c *compiler) checkRefs() {
	for k, ok := range c.g.Ancestry(c.refs) {
		if !ok {
			id, rid := c.g.ID(c.refs[k].N), c.g.ID(c.refs[k].Anc)
			c.errorf(c.refAt[k], fmt.Sprintf("add %s to the needs of %s", rid, id), "node %s reads nodes.%s but does not need it", id, rid)
		}
	}
}

func (c *compiler) errorf(pos schema.Pos, hint, format string, args ...any) {
	c.diags = append(c.diags, c.src.Diag(pos, hint, format, args...))
}

func (c *compiler) warnf(pos schema.Pos, hint, format string, args ...any) {
	d := c.src.Diag(pos, hint, format, args...)
	d.Severity = schema.Warning
	c.warnings = append(c.warnings, d)
}

func (c *compiler) node(i int, n *schema.Node) planNode {
	pn := planNode{Node: n}
	if n.Partial {
		return pn
	}
	info, ok := c.lookup(n.Module)
	if !ok {
		hint := schema.DidYouMean(n.Module, c.reg.Names())
		if hint == "" {
			hint = "`pipe modules` lists the modules there are"
		}
		if n.ModulePos == n.Pos {
			hint = "set `module:` (it defaults to the node id); " + hint
		}
		c.errorf(n.ModulePos, hint, "unknown module %s", schema.Quote(n.Module))
	} else {
		pn.info = info
		if sub := c.subs[i]; sub != nil {
			c.bindSub(&pn, sub)
		}
		pn.dangerous = n.Dangerous || info.Dangerous
		pn.tags = nodeTags(n, info)
		c.inspect(&pn)
		c.checkPromises(i, n, info)
		pn.promise = promised(n)
	}
	if n.Foreach != nil {
		c.foreach(i, &pn)
	}
	if n.When != "" {
		pn.when = c.expr(i, n.When, whenPlace(n), true, &pn.refs)
		pn.noteConfig(pn.when)
	}
	for _, in := range n.With {
		for _, k := range in.Keys {
			if strings.Contains(k.Text, "${{") {
				c.warnf(k.Pos, "keys are names: give the expression's value under a fixed key, e.g. {league: \"${{ item }}\"}",
					"the key %s of input %s holds ${{ }}, which is not evaluated: the key is that text", schema.Quote(k.Text), in.Key)
			}
		}
		var field modules.Field
		declared := false
		if info != nil {
			field, declared = info.Input(in.Key)
			if !declared && info.AnyInputs {
				// Extra inputs are data here, but one surely a misspelling of a
				// declared input is a typo (data is not dir).
				if s := inputTypo(in.Key, info.InputNames()); s != "" {
					c.errorf(in.Pos, fmt.Sprintf("did you mean %q? (other inputs are passed to the module as data)", s), "module %s has no input %s", info.Name, schema.Quote(in.Key))
				}
			}
			if !declared && !info.AnyInputs {
				hint := schema.DidYouMean(in.Key, info.InputNames())
				if hint == "" {
					hint = fmt.Sprintf("module %s takes: %s", info.Name, strings.Join(info.InputNames(), ", "))
					if len(info.Inputs) == 0 {
						hint = fmt.Sprintf("module %s takes no inputs", info.Name)
					}
				}
				c.errorf(in.Pos, hint, "module %s has no input %s", info.Name, schema.Quote(in.Key))
			}
		}
		wholeType, fanIn, whole := c.templates(i, in, &pn, declared && field.Shell)
		if !declared {
			continue
		}
		if field.Type == modules.Any { // no type to check; a rule may say more
			if len(in.Templates) == 0 {
				c.checkRules(in, info, field)
			}
			continue
		}
		switch {
		case fanIn != "":
			c.checkFanInInput(in, info, field, fanIn)
		case whole.id != "":
			c.checkPromisedInput(in, info, field, whole)
		case len(in.Templates) == 0:
			if err := field.CheckValue(in.Value); err != nil {
				hint := field.Description
				if s, ok := in.Value.(string); ok && len(field.Enum) > 0 {
					if d := schema.DidYouMean(s, field.Enum); d != "" {
						hint = d
					}
				}
				c.errorf(in.Pos, hint, "input %s of module %s: %s", in.Key, info.Name, clipQuoted(err.Error(), in.Value))
			} else {
				c.checkRules(in, info, field)
			}
		case c.checkItemInput(n, in, info, field):
		case wholeType != nil:
			if sample, ok := sampleOf(wholeType); ok && (field.Type != modules.Duration || sample != "") {
				if err := field.Type.Check(sample); err != nil {
					c.errorf(in.Pos, field.Description, "input %s of module %s: %v", in.Key, info.Name, err)
				}
			}
		}
	}
	c.cacheChecks(&pn)
	if info != nil {
		for _, f := range info.Inputs {
			if f.Required && f.Default == nil && !hasInput(n, f.Name) {
				hint := fmt.Sprintf("add `with: {%s: ...}`", f.Name)
				if f.Example != "" {
					hint = fmt.Sprintf("add `with: {%s: %s}`", f.Name, f.Example)
				}
				c.errorf(n.Pos, hint, "node %s: module %s needs input %q (%s)", n.ID, info.Name, f.Name, f.Type)
			}
		}
	}
	return pn
}

func hasInput(n *schema.Node, key string) bool {
	for _, in := range n.With {
		if in.Key == key {
			return true
		}
	}
	return false
}

// ReadsClock returns the first expression of the plan, or of its
// sub-pipelines, that calls now(), nil when none does. A workflow on
// Temporal replays its decisions on whatever worker has it then: now()
// would give another time, and a when on it another answer, than the
// first time.
func (p *Plan) ReadsClock() *ClockRead {
	found := p.clock
	if found == nil {
		// Not noted where it was compiled: at least the expression.
		var srcs []string
		for _, r := range p.env.results {
			if r.c != nil && r.c.clock {
				srcs = append(srcs, r.c.src)
			}
		}
		if len(srcs) > 0 {
			found = &ClockRead{File: p.Pipeline.Source.Name, Expr: slices.Min(srcs)}
		}
	}
	for _, sub := range p.subs {
		if found != nil {
			break
		}
		found = sub.ReadsClock()
	}
	return found
}

// ClockRead is an expression that calls now(), and where it is.
type ClockRead struct {
	File string
	Pos  schema.Pos // zero when not known
	// Node is the node whose expression it is; "" for the pipeline's
	// outputs:.
	Node string
	Expr string
}

// String reads FILE:LINE:COL: node NODE calls now() in ${{ EXPR }}.
func (r *ClockRead) String() string {
	where := r.File
	if r.Pos.IsValid() {
		where = fmt.Sprintf("%s:%d:%d", r.File, r.Pos.Line, r.Pos.Col)
	}
	what := "the pipeline's outputs"
	if r.Node != "" {
		what = "node " + r.Node
	}
	return fmt.Sprintf("%s: %s calls now() in ${{ %s }}", where, what, schema.Clip(strings.TrimSpace(r.Expr)))
}
