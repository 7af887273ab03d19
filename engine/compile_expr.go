package engine

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/schema"
)

// expr compiles one expression of node i that starts at pos, checks the
// nodes it reads, and adds them to refs.
func (c *compiler) expr(i int, src string, pos place, asBool bool, refs *[]int) *compiled {
	comp, errs := c.env.compile(src, asBool)
	for _, e := range errs {
		c.errorf(pos.at(src, e.off), e.hint, "%s", e.msg)
	}
	if comp == nil {
		return nil
	}
	id := c.p.Nodes[i].ID
	if comp.clock {
		c.readsClock(id, pos.at(src, comp.clockOff), src)
	}
	bad := false
	if comp.itemOff >= 0 && (c.inForeach || c.p.Nodes[i].Foreach == nil) {
		at := pos.at(src, comp.itemOff)
		switch {
		case c.inForeach:
			c.errorf(at, "foreach gives the items: read item in with, when and templates of the node", "foreach cannot read item: it is set once the items are known")
		case c.p.Nodes[i].FanOutWritten:
			// Its foreach or matrix is wrong, and reported where it is.
		default:
			c.errorf(at, "add `foreach:` to the node to run it once per item", "node %s reads item but has no foreach", id)
		}
		bad = true
	}
	if len(comp.itemFields) > 0 && !c.inForeach {
		bad = c.checkMatrixItem(i, comp, pos, src) || bad
	}
	c.markItemsRead(comp)
	for _, r := range comp.refs {
		j, ok := c.g.Index(r.id)
		at := pos.at(src, r.off)
		switch {
		case !ok:
			hint := schema.DidYouMean(r.id, c.p.NodeIDs())
			if hint == "" {
				hint = "nodes.<id> reads a node this node needs"
			}
			c.errorf(at, hint, "unknown node %s", schema.Quote(r.id))
			bad = true
		case j == i:
			c.errorf(at, "a node reads the nodes it needs, not itself", "node %s reads its own result", id)
			bad = true
		default:
			// Whether j is an ancestor is asked for all references at once
			// when every node is compiled (checkRefs).
			c.refs = append(c.refs, dag.Pair{Anc: j, N: i})
			c.refAt = append(c.refAt, at)
			if !slices.Contains(*refs, j) {
				*refs = append(*refs, j)
			}
		}
	}
	for _, e := range c.checkPromisedUse(comp, asBool) {
		c.errorf(pos.at(src, e.off), e.hint, "%s", e.msg)
		bad = true
	}
	return c.checkedOutputs(comp, pos, src, bad)
}

// clipQuoted cuts the user's value v where msg quotes it whole (a module's
// Field check says `"<value>" is not one of ...`).
func clipQuoted(msg string, v any) string {
	if s, ok := v.(string); ok && len(s) > schema.MaxQuoted {
		return strings.ReplaceAll(msg, strconv.Quote(s), schema.Quote(s))
	}
	return msg
}

// markItemsRead notes the nodes whose items comp may read: each read of
// nodes.<id> that is not of its status, message or outputs.
func (c *compiler) markItemsRead(comp *compiled) {
	if len(comp.refs) == len(comp.narrow) && comp.nodesIdents == len(comp.refs) {
		return // every read is narrow: the common case, at no cost
	}
	whole := comp.nodesIdents > len(comp.refs)
	for _, r := range comp.refs {
		j, ok := c.g.Index(r.id)
		if !ok {
			continue
		}
		reads := 0
		for _, ref := range comp.refs {
			if ref.id == r.id {
				reads++
			}
		}
		if whole || reads > countOf(comp.narrow, r.id) {
			if c.itemsRead == nil {
				c.itemsRead = map[int]struct{}{}
			}
			c.itemsRead[j] = struct{}{}
		}
	}
}

func countOf(ids []string, id string) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

// readsClock notes that node id (or the pipeline's outputs, "") calls
// now() at pos, in src: the first in the file is what Plan.ReadsClock
// names.
func (c *compiler) readsClock(id string, pos schema.Pos, src string) {
	if r := c.clock; r != nil && (r.Pos.Line < pos.Line || r.Pos.Line == pos.Line && r.Pos.Col <= pos.Col) {
		return
	}
	file := ""
	if c.src != nil {
		file = c.src.Name
	}
	c.clock = &ClockRead{File: file, Pos: pos, Node: id, Expr: src}
}
