package engine

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

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
	if p == nil && len(diags) > 0 {
		return nil, diags
	}
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
	if d := nilArgs(p, reg); d != nil {
		return nil, schema.Diagnostics{d}
	}
	var stack []string
	if _, ok := p.Source.Dir(); ok {
		if abs, err := filepath.Abs(p.Source.Name); err == nil {
			stack = []string{realPath(abs)}
		}
	}
	return compileStack(p, reg, override, parent, offline, stack, nil)
}

// nilArgs is the diagnostic of a nil pipeline or registry given through
// the Go API, nil when neither is.
func nilArgs(p *schema.Pipeline, reg *modules.Registry) *schema.Diagnostic {
	src := schema.NewSource(codeSource, nil)
	switch {
	case p == nil:
		return src.Diag(schema.Pos{}, "build a *schema.Pipeline, or read one with schema.Load", "the pipeline is nil")
	case reg == nil:
		return src.Diag(schema.Pos{}, "pass modules.Default, or a registry of your own (modules.NewRegistry)", "the module registry is nil")
	}
	return nil
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
	if n.EmptyWhen != (schema.Pos{}) {
		c.warnf(n.EmptyWhen, "remove `when` to always run the node, or write an expression", "when is empty: node %s runs as if it had none", n.ID)
	}
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
