package dag

import (
	"fmt"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// unknownNeed is the diagnostic of node's need ref, which names no node
// of p: what the id looks like says what the user meant.
func (g *Graph) unknownNeed(p *schema.Pipeline, node *schema.Node, ref schema.Ref) *schema.Diagnostic {
	id := ref.ID
	if base, key, ok := instanceOf(id); ok {
		if j, isNode := g.index[base]; isNode {
			if !p.Nodes[j].FanOutWritten {
				return p.Source.Diag(ref.Pos, "need "+base+" itself",
					"node %s needs %s, but node %s has no foreach: it runs once, with no instances", node.ID, schema.Quote(id), base)
			}
			return p.Source.Diag(ref.Pos,
				fmt.Sprintf("need %s, which ends once every instance has; then read the one you want: filter(nodes.%s.items, .key == %s), or nodes.%s.outputs.KEY, a list of every instance's KEY in item order",
					base, base, schema.Quote(key), base),
				"node %s needs %s, an instance of foreach node %s: a node can need the whole foreach node only", node.ID, schema.Quote(id), base)
		}
	}
	var hint string
	switch {
	case strings.TrimSpace(id) == "":
		return p.Source.Diag(ref.Pos, "name a node of this pipeline, or remove the entry", "node %s needs a node with an empty id", node.ID)
	case strings.ContainsAny(id, ", \t"):
		hint = "for several needs write a list: needs: [" + strings.Join(strings.Fields(strings.ReplaceAll(id, ",", " ")), ", ") + "] (a node id has no spaces or commas)"
	default:
		hint = schema.DidYouMean(id, g.ids)
	}
	if hint == "" {
		hint = "needs names other nodes of this pipeline by id"
	}
	return p.Source.Diag(ref.Pos, hint, "node %s needs unknown node %s", node.ID, schema.Quote(id))
}

// instanceOf splits an instance's name, node[key], into the node's id and
// the key.
func instanceOf(id string) (base, key string, ok bool) {
	i := strings.IndexByte(id, '[')
	if i <= 0 || !strings.HasSuffix(id, "]") {
		return "", "", false
	}
	return id[:i], id[i+1 : len(id)-1], true
}
