package engine

import (
	"runtime"
	"slices"
	"strings"
	"sync"
)

// A run's record holds every node's final record, and the journal has
// encoded each of them once already, as the node ended, on another core.
// Encoding them all again at the end, and sorting them by id out of the
// record's map, was 70-110 ms of a 100,000-node run (its engine took
// 300 ms). So the journal keeps the bytes it wrote of each node's fields
// (nodeBytes), the run lists its nodes in id order from its own arrays
// (recordOrder), and EncodeRecord copies those bytes wherever they are
// still the node's: same id, same record, in a record whose nodes are
// exactly those listed. Anywhere else it encodes as before.

// nodeBytes keeps the JSON of node records' fields, as appendNodeFields
// wrote them for the journal, by the core's node index.
type nodeBytes struct {
	blocks [][]byte
	cur    int        // 1 + the block that short fields fill; 0: none yet
	spans  []nodeSpan // by core node index; n == 0: none kept
}

// nodeSpan is where one node's fields are in nodeBytes, and whose they are.
type nodeSpan struct {
	rec           *NodeRecord
	block, off, n int32
}

// nodeBytesBlock is the size of nodeBytes' blocks. Fields longer than a
// quarter of it get a block of their own, so that little of a block is
// left unused.
const nodeBytesBlock = 1 << 20

// add keeps fields as node i's, encoded from rec. A node's later fields
// replace its earlier ones.
func (k *nodeBytes) add(i int, rec *NodeRecord, fields []byte) {
	if i < 0 || len(fields) == 0 || len(fields) > 1<<30 {
		return
	}
	switch {
	case len(fields) > nodeBytesBlock/4:
		k.blocks = append(k.blocks, slices.Clone(fields))
		k.keep(i, rec, len(k.blocks)-1, 0, len(fields))
		return
	case k.cur == 0 || len(k.blocks[k.cur-1])+len(fields) > cap(k.blocks[k.cur-1]):
		k.blocks = append(k.blocks, make([]byte, 0, nodeBytesBlock))
		k.cur = len(k.blocks)
	}
	blk := k.cur - 1
	off := len(k.blocks[blk])
	k.blocks[blk] = append(k.blocks[blk], fields...)
	k.keep(i, rec, blk, off, len(fields))
}

func (k *nodeBytes) keep(i int, rec *NodeRecord, blk, off, n int) {
	if i >= len(k.spans) {
		k.spans = append(k.spans, make([]nodeSpan, i+1-len(k.spans))...)
	}
	k.spans[i] = nodeSpan{rec: rec, block: int32(blk), off: int32(off), n: int32(n)}
}

// fields returns the bytes of span s.
func (k *nodeBytes) fields(s nodeSpan) []byte {
	return k.blocks[s.block][s.off : s.off+s.n]
}

// recordOrder is a record's nodes in id order, each with its kept fields
// if any, as the run that made the record ended.
type recordOrder struct {
	nodes []idNode
	bytes *nodeBytes
}

// idNode is a node's record under its id; span, when not zero, is 1 + its
// index in the order's nodeBytes.
type idNode struct {
	id   string
	node *NodeRecord
	span int32
}

// recordOrder lists the run's nodes by id, with what the journal kept of
// them. planByID, when not nil, is the plan's nodes sorted by id already
// (sortPlanIDs). Called once the run has ended and its journal is closed.
func (c *core) recordOrder(kept *nodeBytes, planByID []planID) *recordOrder {
	node := func(i int) idNode {
		n := idNode{id: c.nodeID(i), node: c.nodes[i].rec}
		if kept != nil && i < len(kept.spans) && kept.spans[i].n > 0 && kept.spans[i].rec == n.node {
			n.span = int32(i) + 1
		}
		return n
	}
	var planNodes, out []idNode
	from := 0 // the first node to list in out
	if planByID != nil {
		planNodes = make([]idNode, len(planByID))
		for k, p := range planByID {
			planNodes[k] = node(int(p.i))
		}
		from = len(planByID)
	}
	out = make([]idNode, 0, len(c.rec.Nodes)-from)
	for i := from; i < len(c.nodes); i++ {
		out = append(out, node(i))
	}
	if from+len(out) < len(c.rec.Nodes) {
		// A sub-pipeline's nodes, recorded under their pipeline node
		// (<id>/<child>): the core runs none of them.
		for id, n := range c.rec.Nodes {
			if strings.IndexByte(id, '/') >= 0 {
				out = append(out, idNode{id: id, node: n})
			}
		}
	}
	out = sortByID(out)
	switch {
	case len(out) == 0:
		out = planNodes
	case planNodes != nil:
		out = mergeByID(planNodes, out)
	}
	return &recordOrder{nodes: out, bytes: kept}
}

// planID is a plan node's index under its id.
type planID struct {
	id string
	i  int32
}

// presortNodes is the fewest plan nodes sorted while the run goes on.
const presortNodes = 2 * encodeChunkNodes

// sortPlanIDs lists the plan's nodes by id.
func sortPlanIDs(p *Plan) []planID {
	out := make([]planID, len(p.nodes))
	for i := range p.nodes {
		out[i] = planID{p.nodes[i].id, int32(i)}
	}
	slices.SortFunc(out, func(a, b planID) int { return strings.Compare(a.id, b.id) })
	return out
}

// nodesOf returns the order's nodes and kept bytes if they are still
// those of nodes, a record's map: same ids, same records, and no other.
// It returns nil for a record changed since its run ended, which
// EncodeRecord then encodes from its map. A big order is checked in a
// chunk per P.
func (o *recordOrder) nodesOf(nodes map[string]*NodeRecord) ([]idNode, *nodeBytes) {
	if o == nil || len(o.nodes) != len(nodes) {
		return nil, nil
	}
	chunks := encodeChunks(len(o.nodes))
	ok := make([]bool, len(chunks))
	var wg sync.WaitGroup
	for c, ch := range chunks[1:] {
		wg.Go(func() { ok[c+1] = o.matches(nodes, ch) })
	}
	ok[0] = o.matches(nodes, chunks[0])
	wg.Wait()
	if slices.Contains(ok, false) {
		return nil, nil
	}
	return o.nodes, o.bytes
}

// matches reports whether the order's nodes in ch are nodes's, under the
// same ids, in strictly increasing order of id. With the order as long
// as nodes, every chunk matching means it lists nodes exactly.
func (o *recordOrder) matches(nodes map[string]*NodeRecord, ch encodeChunk) bool {
	for k := ch.from; k < ch.to; k++ {
		n := &o.nodes[k]
		if k > 0 && o.nodes[k-1].id >= n.id || nodes[n.id] != n.node {
			return false
		}
	}
	return true
}

// sortByID sorts nodes by id; a big list's halves are sorted at once,
// then merged.
func sortByID(out []idNode) []idNode {
	if len(out) < 2*encodeChunkNodes || runtime.GOMAXPROCS(0) < 2 {
		slices.SortFunc(out, byID)
		return out
	}
	half := len(out) / 2
	var wg sync.WaitGroup
	wg.Go(func() { slices.SortFunc(out[half:], byID) })
	slices.SortFunc(out[:half], byID)
	wg.Wait()
	return mergeByID(out[:half], out[half:])
}
