package dag

import "slices"

// Pair asks whether node N transitively needs node Anc.
type Pair struct{ Anc, N int }

// Ancestry answers many IsAncestor questions at once: out[k] tells whether
// qs[k].N transitively needs qs[k].Anc.
//
// Validation asks one question per `nodes.<id>` reference, and a search per
// question made a chain of N nodes that all read its first node cost N²
// (5 s at 10,000 nodes). Here the ancestors asked about are taken 64 at a
// time, in topological order; one pass over the nodes between the first of
// them and the last node asked about spreads a 64-bit mask from each
// ancestor to everything that needs it. Memory is one word a node, whatever
// the number of questions; time is linear for the usual shapes (everyone
// reads one node, or a near need) and at worst (V+E)·A/64 for A distinct
// ancestors.
func (g *Graph) Ancestry(qs []Pair) []bool {
	out := make([]bool, len(qs))
	if g.topo == nil {
		// A cycle leaves no order to sweep; that file has errors anyway.
		for k, q := range qs {
			out[k] = g.IsAncestor(q.Anc, q.N)
		}
		return out
	}
	pos := g.topoPos()
	byAnc := map[int][]int{} // ancestor -> questions still open
	for k, q := range qs {
		switch {
		case q.Anc == q.N || pos[q.Anc] >= pos[q.N]:
		case slices.Contains(g.needs[q.N], q.Anc):
			out[k] = true
		default:
			byAnc[q.Anc] = append(byAnc[q.Anc], k)
		}
	}
	if len(byAnc) == 0 {
		return out
	}
	ancs := make([]int, 0, len(byAnc))
	for a := range byAnc {
		ancs = append(ancs, a)
	}
	slices.SortFunc(ancs, func(a, b int) int { return pos[a] - pos[b] })
	mask := make([]uint64, len(g.ids))
	for start := 0; start < len(ancs); start += 64 {
		batch := ancs[start:min(start+64, len(ancs))]
		from, to := pos[batch[0]], 0
		for b, a := range batch {
			mask[a] = 1 << b
			for _, k := range byAnc[a] {
				to = max(to, pos[qs[k].N])
			}
		}
		for _, v := range g.topo[from+1 : to+1] {
			var m uint64
			for _, w := range g.needs[v] {
				m |= mask[w]
			}
			mask[v] |= m
		}
		for b, a := range batch {
			for _, k := range byAnc[a] {
				out[k] = mask[qs[k].N]&(1<<b) != 0
			}
		}
		for _, v := range g.topo[from : to+1] {
			mask[v] = 0
		}
	}
	return out
}

// topoPos returns each node's place in the topological order.
func (g *Graph) topoPos() []int {
	pos := make([]int, len(g.ids))
	for k, v := range g.topo {
		pos[v] = k
	}
	return pos
}
