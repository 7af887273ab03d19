package engine

import (
	"slices"

	"github.com/pipe-run/pipe/schema"
)

// codeSource names the source of a pipeline built in code, in messages.
const codeSource = "(built in code)"

// completed returns p ready to compile. A pipeline built in code may leave
// out what the loader always fills in: a Source for messages, a node's
// module (its id), its retry back-off. It may also hold what no file can:
// a nil node, an id that is not an identifier, the same id twice. p is
// copied only when something is filled in; the caller's value is not
// changed. The problems come back as diagnostics, the bad nodes dropped.
// It also returns the index of the nodes it returns, each id's place in
// Nodes, which checking for duplicates builds: dag.BuildWithIndex takes
// it rather than making its own.
func completed(p *schema.Pipeline) (*schema.Pipeline, schema.Diagnostics, map[string]int) {
	fill := p.Source == nil || slices.ContainsFunc(p.Nodes, func(n *schema.Node) bool {
		return n == nil || n.Module == "" || n.Retry.Factor == 0 || !schema.IsIdentifier(n.ID)
	})
	if !fill {
		if index, unique := indexOf(p.Nodes); unique {
			return p, nil, index
		}
	}
	cp := *p
	if cp.Source == nil {
		cp.Source = schema.NewSource(codeSource, nil)
	}
	var diags schema.Diagnostics
	index := make(map[string]int, len(p.Nodes))
	cp.Nodes = make([]*schema.Node, 0, len(p.Nodes))
	for i, n := range p.Nodes {
		switch {
		case n == nil:
			diags = append(diags, cp.Source.Diag(schema.Pos{}, "leave it out, or give it an ID", "node %d of the pipeline is nil", i))
			continue
		case !schema.IsIdentifier(n.ID):
			diags = append(diags, cp.Source.Diag(n.Pos, "use letters, digits and _, not starting with a digit (it is read as nodes.<id> in expressions)", "node id %s is not an identifier", schema.Quote(n.ID)))
			continue
		}
		if _, dup := index[n.ID]; dup {
			diags = append(diags, cp.Source.Diag(n.Pos, "give each node an id of its own", "node id %s is used twice", n.ID))
			continue
		}
		index[n.ID] = len(cp.Nodes)
		if n.Module == "" || n.Retry.Factor == 0 {
			nc := *n
			if nc.Module == "" {
				nc.Module = nc.ID
			}
			if nc.Retry.Factor == 0 {
				nc.Retry.Factor = schema.DefaultFactor
				if nc.Retry.Backoff == 0 {
					nc.Retry.Backoff = schema.DefaultBackoff
				}
				if nc.Retry.MaxBackoff == 0 {
					nc.Retry.MaxBackoff = schema.DefaultMaxBackoff
				}
			}
			n = &nc
		}
		cp.Nodes = append(cp.Nodes, n)
	}
	return &cp, diags, index
}

// indexOf maps the id of each of nodes to its place, and reports whether
// no id is there twice (the index is of no use then).
func indexOf(nodes []*schema.Node) (map[string]int, bool) {
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		if _, dup := index[n.ID]; dup {
			return nil, false
		}
		index[n.ID] = i
	}
	return index, true
}
