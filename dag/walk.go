package dag

import "time"

// IsAncestor reports whether node n transitively needs node anc. The search
// only visits nodes above anc's level, so a reference to a near need costs
// little even in a large graph.
func (g *Graph) IsAncestor(anc, n int) bool {
	leveled := g.level != nil
	if anc == n || (leveled && g.level[anc] >= g.level[n]) {
		return false
	}
	seen := map[int]bool{n: true}
	stack := []int{n}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range g.needs[v] {
			if w == anc {
				return true
			}
			if !seen[w] && (!leveled || g.level[w] > g.level[anc]) {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return false
}

// Upstream marks roots and every node they transitively need.
func (g *Graph) Upstream(roots []int) []bool {
	return g.reach(roots, g.needs)
}

// Downstream marks roots and every node that transitively needs them.
func (g *Graph) Downstream(roots []int) []bool {
	return g.reach(roots, g.dependents)
}

func (g *Graph) reach(roots []int, next [][]int) []bool {
	mark := make([]bool, len(g.ids))
	stack := append([]int(nil), roots...)
	for _, r := range roots {
		mark[r] = true
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range next[v] {
			if !mark[w] {
				mark[w] = true
				stack = append(stack, w)
			}
		}
	}
	return mark
}

// CriticalPath returns the chain of needs with the largest total weight and
// that total: with nodes' durations, the least time the pipeline can take
// however many run at once.
func (g *Graph) CriticalPath(weight func(i int) time.Duration) ([]int, time.Duration) {
	if len(g.ids) == 0 {
		return nil, 0
	}
	finish := make([]time.Duration, len(g.ids))
	via := make([]int, len(g.ids))
	best := -1
	for _, v := range g.order {
		via[v] = -1
		var start time.Duration
		for _, w := range g.needs[v] {
			if via[v] == -1 || finish[w] > start {
				start, via[v] = finish[w], w
			}
		}
		finish[v] = start + weight(v)
		if best == -1 || finish[v] > finish[best] {
			best = v
		}
	}
	var path []int
	for v := best; v != -1; v = via[v] {
		path = append(path, v)
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, finish[best]
}
