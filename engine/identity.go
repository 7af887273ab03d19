package engine

import (
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// inspect asks the node's module what its target declares about itself
// (modules.Info.Inspect), from the inputs that hold no ${{ }}: a Python
// file that declares itself dangerous makes its node dangerous before any
// of its code runs, and the dangerous gate holds it like any other.
func (c *compiler) inspect(pn *planNode) {
	if pn.info.Inspect == nil || c.base.dir == "" {
		return
	}
	with := make(map[string]any, len(pn.With))
	for _, in := range pn.With {
		if len(in.Templates) == 0 {
			with[in.Key] = in.Value
		}
	}
	id := pn.info.Inspect(with, c.base.dir)
	if id.Dangerous {
		pn.dangerous = true
		pn.declared = id.Why
	}
}

// Declared returns, for each node whose target declares itself dangerous
// (see modules.Info.Inspect), where it does: what a client that compiled
// the plan hands to ParseRemote.
func (p *Plan) Declared() map[string]string {
	var out map[string]string
	for i := range p.nodes {
		if pn := &p.nodes[i]; pn.declared != "" {
			if out == nil {
				out = make(map[string]string)
			}
			out[pn.ID] = pn.declared
		}
	}
	return out
}

// ParseRemote compiles a pipeline for a run driven elsewhere (a Temporal
// workflow, replayed on any worker): it reads no file, so every replay
// decides the same. Relative paths resolve on the machine that runs each
// node (Task.Dir is empty), and what the submitting client's compile
// found by reading files, declared (Plan.Declared), is taken as it is.
func ParseRemote(name string, data []byte, reg *modules.Registry, declared map[string]string) (*Plan, error) {
	p, diags := schema.Parse(name, data)
	if p == nil {
		return nil, diags
	}
	plan, more := compileWithDir(p, reg, "", nil, true)
	if plan == nil || len(diags) > 0 {
		return nil, append(diags, more...)
	}
	for i := range plan.nodes {
		pn := &plan.nodes[i]
		if why, ok := declared[pn.ID]; ok {
			pn.dangerous, pn.declared = true, why
		}
	}
	return plan, nil
}
