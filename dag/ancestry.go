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
	pos := g.topoPos()
	byAnc := map[int][]int{} // ancestor -> questions still open
	budget := 8*len(g.ids) + 100_000
	for k, q := range qs {
		switch {
		case pos[q.N] < 0:
			// q.N is on or behind a cycle (already an error): no order to
			// sweep, so search, within a budget shared by all such
			// questions; past it, assume the need rather than search on.
			out[k] = g.searchAncestor(q.Anc, q.N, &budget)
		case q.Anc == q.N || pos[q.Anc] < 0 || pos[q.Anc] >= pos[q.N]:
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

// topoPos returns each node's place in the topological order, -1 for a
// node on or behind a cycle.
func (g *Graph) topoPos() []int {
	pos := make([]int, len(g.ids))
	for i := range pos {
		pos[i] = -1
	}
	for k, v := range g.topo {
		pos[v] = k
	}
	return pos
}

// searchAncestor is IsAncestor's search, charging each node it visits to
// budget; it answers true once the budget is spent.
func (g *Graph) searchAncestor(anc, n int, budget *int) bool {
	if anc == n {
		return false
	}
	seen := map[int]bool{n: true}
	stack := []int{n}
	for len(stack) > 0 {
		if *budget--; *budget < 0 {
			return true
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range g.needs[v] {
			if w == anc {
				return true
			}
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return false
}
