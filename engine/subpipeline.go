package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// PipelineModule is the name of the module that runs another pipeline as
// one node: `module: pipeline` with `with: {file: sub.yaml, set: {...}}`.
// The engine runs it itself (a module cannot import the engine): it is in
// modules.Default so that `pipe modules` lists it and a worker finds it,
// and a plan compiled against another registry gets it too.
const PipelineModule = "pipeline"

// pipelineInfo is the module's spec. Its outputs are the sub-pipeline's
// `outputs:`, checked per node (see subPlan).
var pipelineInfo = modules.Info{
	Name:        PipelineModule,
	Description: "Runs another pipeline file as one node: its config from set, its declared outputs as this node's outputs; its nodes are recorded as <node>/<child>.",
	Inputs: []modules.Field{
		{Name: "file", Type: modules.String, Required: true, Files: true, Description: "the pipeline file to run, relative to this file's directory", Example: "sub.yaml"},
		{Name: "set", Type: modules.Map, Description: "config of the sub-pipeline: KEY: value, typed as its defaults", Example: "{LEAGUE: england}"},
	},
	New: func() modules.Module { return &pipelineModule{reg: modules.Default} },
}

func init() {
	if _, ok := modules.Default.Lookup(PipelineModule); !ok {
		modules.Default.Register(pipelineInfo)
	}
}

// lookup finds a module by name: in the registry, else the engine's own
// pipeline module.
func (c *compiler) lookup(name string) (*modules.Info, bool) {
	if info, ok := c.reg.Lookup(name); ok {
		return info, true
	}
	if name == PipelineModule {
		return &pipelineInfo, true
	}
	return nil, false
}

// subPlan is a pipeline node's sub-pipeline, compiled with its parent.
type subPlan struct {
	plan *Plan
	// file is the `file` input as the node's task gets it: relative to
	// the parent's base directory when it can be.
	file string
}

// pipelines compiles the sub-pipeline of every pipeline node, before any
// node compiles: a node may read a pipeline node written below it.
func (c *compiler) pipelines() {
	for i, n := range c.p.Nodes {
		if n.Partial || n.Module != PipelineModule {
			continue
		}
		if sub := c.subPipeline(n); sub != nil {
			if c.subs == nil {
				c.subs = map[int]*subPlan{}
			}
			c.subs[i] = sub
		}
	}
}

// subPipeline loads, checks and compiles node n's sub-pipeline; nil when
// it has problems (reported).
func (c *compiler) subPipeline(n *schema.Node) *subPlan {
	var file *schema.Input
	for k := range n.With {
		if n.With[k].Key == "file" {
			file = &n.With[k]
		}
	}
	if file == nil {
		return nil // the missing input is reported with the node's inputs
	}
	name, ok := file.Value.(string)
	if !ok || len(file.Templates) > 0 || name == "" {
		c.errorf(file.Pos, "write the path itself, relative to this file's directory: the sub-pipeline is checked before the run", "node %s: file must be a literal path to a pipeline file", n.ID)
		return nil
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(c.fileDir(), path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	if at := slices.Index(c.stack, realPath(abs)); at >= 0 {
		chain := make([]string, 0, len(c.stack)-at+1)
		for _, f := range c.stack[at:] {
			chain = append(chain, filepath.Base(f))
		}
		chain = append(chain, filepath.Base(abs))
		c.errorf(file.Pos, "a pipeline cannot run itself, directly or through others: remove one of the inclusions",
			"node %s: pipeline files include each other in a cycle: %s", n.ID, strings.Join(chain, " -> "))
		return nil
	}
	if c.offline {
		// Checked by the compile that submitted the run; the node's
		// executor loads the file, relative to where that ran.
		return &subPlan{file: path}
	}
	if _, err := os.Stat(path); err != nil {
		c.errorf(file.Pos, fmt.Sprintf("paths in file resolve against the directory of %s (%s)", c.src.Name, c.fileDir()),
			"node %s: pipeline file %s: no such file", n.ID, schema.Quote(name))
		return nil
	}
	l := c.load(path, abs)
	if l.err != nil {
		c.errorf(file.Pos, "", "node %s: pipeline file %s: %v", n.ID, schema.Quote(name), l.err)
		return nil
	}
	if l.plan == nil {
		c.errorf(file.Pos, "see the problems reported in "+l.name, "node %s: pipeline file %s has %d problem(s)", n.ID, schema.Quote(name), l.problems)
		return nil
	}
	plan := l.plan
	sub := &subPlan{plan: plan, file: abs}
	if c.base.dir != "" {
		if rel, err := filepath.Rel(c.base.dir, abs); err == nil {
			sub.file = rel
		}
	}
	c.checkSet(n, plan.Pipeline)
	c.subDotEnv(n, file.Pos, plan.Pipeline)
	return sub
}

// subKey is a sub-pipeline file by absolute path, with the base
// directory it inherits: it compiles to another plan in another one.
type subKey struct {
	abs    string
	parent base
}

// loadedSub is a sub-pipeline file read and compiled once per compile
// and base directory.
type loadedSub struct {
	plan     *Plan // nil when it has problems
	name     string
	problems int
	err      error // reading it failed
}

// load reads and compiles the sub-pipeline at path (abs) in this
// pipeline's base directory, once: its own problems are reported the
// first time, at their lines in its file.
func (c *compiler) load(path, abs string) *loadedSub {
	key := subKey{abs: abs, parent: c.base}
	if l, ok := c.loaded[key]; ok {
		return l
	}
	if c.loaded == nil {
		c.loaded = map[subKey]*loadedSub{}
	}
	l := &loadedSub{name: path}
	c.loaded[key] = l
	p, err := schema.Load(path)
	diags, _ := err.(schema.Diagnostics)
	if err != nil && diags == nil {
		l.err = err
		return l
	}
	if p != nil {
		l.name = p.Source.Name
		stack := append(slices.Clip(c.stack), realPath(abs))
		var more schema.Diagnostics
		// The same map: files it includes are loaded once too.
		parent := c.base
		l.plan, more = compileStack(p, c.reg, "", &parent, false, stack, c.loaded)
		diags = append(diags, more...)
	}
	if len(diags) > 0 {
		l.plan = nil
		diags.Sort()
		diags = dedupe(diags)
		l.problems = len(diags)
		c.diags = append(c.diags, diags...)
	}
	return l
}

// fileDir is the directory of the file being compiled: paths in `file:`
// resolve against it.
func (c *compiler) fileDir() string {
	if dir, ok := c.src.Dir(); ok {
		return dir
	}
	return "."
}

// checkSubOutput reports a read of an output that node j's sub-pipeline
// does not declare in its `outputs:`; ok is false when j is no pipeline
// node.
func (c *compiler) checkSubOutput(j int, o outputRef, pos place, src string) (bad, ok bool) {
	sub := c.subs[j]
	if sub == nil || sub.plan == nil {
		return false, c.p.Nodes[j].Module == PipelineModule
	}
	outs := sub.plan.Pipeline.Outputs
	names := make([]string, len(outs))
	for k, out := range outs {
		if out.Key == o.key {
			return false, true
		}
		names[k] = out.Key
	}
	base := filepath.Base(sub.plan.Pipeline.Source.Name)
	hint := schema.DidYouMean(o.key, names)
	if hint == "" {
		hint = fmt.Sprintf("%s declares outputs: %s", base, strings.Join(names, ", "))
		if len(names) == 0 {
			hint = fmt.Sprintf("declare it in the `outputs:` of %s", base)
		}
	}
	c.errorf(pos.at(src, o.off), hint, "node %s (pipeline %s) has no output %s", o.id, base, schema.Quote(o.key))
	return true, true
}

// compileOutputs compiles the pipeline's own `outputs:`: they may read
// every node (they are evaluated once all have ended) and its config.
func (c *compiler) compileOutputs() map[string]*template {
	if len(c.p.Outputs) == 0 {
		return nil
	}
	out := map[string]*template{}
	for _, o := range c.p.Outputs {
		if len(o.Templates) == 0 {
			continue
		}
		for k := range o.Templates {
			t := &o.Templates[k]
			literals, exprs, err := splitTemplate(t.Text)
			if err != nil {
				c.splitFailed(t, err)
				continue
			}
			tpl := &template{}
			ok := true
			for k, e := range exprs {
				if literals[k] != "" {
					tpl.parts = append(tpl.parts, templatePart{literal: literals[k]})
				}
				at := place{start: t.PosAt(e.boff), tpl: t, boff: e.boff}
				comp := c.outputExpr(e.src, at)
				if comp == nil {
					ok = false
					continue
				}
				tpl.parts = append(tpl.parts, templatePart{expr: comp, tpl: t, boff: int32(e.boff)})
			}
			if last := literals[len(literals)-1]; last != "" {
				tpl.parts = append(tpl.parts, templatePart{literal: last})
			}
			if !ok {
				continue
			}
			if len(exprs) == 1 && strings.TrimSpace(literals[0]) == "" && strings.TrimSpace(literals[1]) == "" {
				tpl.whole = true
				for _, part := range tpl.parts {
					if part.expr != nil {
						tpl.parts = []templatePart{part}
						break
					}
				}
			}
			out[t.Text] = tpl
		}
	}
	return out
}

// outputExpr compiles one expression of `outputs:`, starting at pos.
func (c *compiler) outputExpr(src string, pos place) *compiled {
	comp, errs := c.env.compile(src, false)
	for _, e := range errs {
		c.errorf(pos.at(src, e.off), e.hint, "%s", e.msg)
	}
	if comp == nil {
		return nil
	}
	if comp.clock {
		c.readsClock("", pos.at(src, comp.clockOff), src)
	}
	bad := false
	if comp.itemOff >= 0 {
		c.errorf(pos.at(src, comp.itemOff), "outputs read nodes and config; item is set only in a foreach node", "outputs cannot read item")
		bad = true
	}
	c.markItemsRead(comp)
	for _, r := range comp.refs {
		if _, ok := c.g.Index(r.id); !ok {
			hint := schema.DidYouMean(r.id, c.p.NodeIDs())
			if hint == "" {
				hint = "outputs read the pipeline's nodes: nodes.<id>.outputs.<key>"
			}
			c.errorf(pos.at(src, r.off), hint, "unknown node %s", schema.Quote(r.id))
			bad = true
		}
	}
	return c.checkedOutputs(comp, pos, src, bad)
}

// bindSub makes pipeline node pn run sub: its module runs the plan
// compiled here, and its task names the file relative to the base
// directory (a worker loads it from there).
func (c *compiler) bindSub(pn *planNode, sub *subPlan) {
	if sub.plan != nil {
		info := pipelineInfo
		reg := c.reg
		info.New = func() modules.Module { return &pipelineModule{reg: reg, plan: sub.plan} }
		pn.info = &info
		pn.sub = sub.plan
	}
	n := *pn.Node
	n.With = slices.Clone(n.With)
	for k := range n.With {
		if n.With[k].Key == "file" {
			n.With[k].Value = sub.file
		}
	}
	pn.Node = &n
}
