// Package dag owns the graph of a pipeline: building it from the file's
// `needs`, finding unknown needs and cycles, ordering and levelling nodes,
// answering ancestry questions, and drawing it as DOT.
//
// Edge direction, stated once: node a "needs" node b means b must finish
// before a starts. Needs(a) lists b; Dependents(b) lists a. DOT draws the
// edge b -> a, the way work flows.
package dag

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dominikbraun/graph"

	"github.com/pipe-run/pipe/schema"
)

// Graph is the dependency graph of a pipeline. Nodes are numbered in file
// order; every method runs in time linear in the graph's size.
type Graph struct {
	ids        []string
	index      map[string]int
	needs      [][]int
	dependents [][]int
	order      []int
	// topo is Kahn's order even when problems clear order: every node but
	// those on or behind a cycle, each after all it needs. Ancestry sweeps
	// it.
	topo   []int
	level  []int
	height []int
}

// Build makes the graph of p. It reports unknown needs (with a "did you
// mean"), a node needing the same node twice, and every cycle, as its whole
// path. With problems it still returns the graph of the needs that could be
// drawn, for further checks; only a graph without problems can be ordered
// (Order and Level are then valid).
func Build(p *schema.Pipeline) (*Graph, schema.Diagnostics) {
	return BuildWithIndex(p, nil)
}

// BuildWithIndex is Build with the index of p's nodes made already: each
// node's id to its place in p.Nodes, every id once (the engine makes it as
// it checks a pipeline for duplicate ids). The graph keeps it. With a nil
// index it makes its own, as Build does.
func BuildWithIndex(p *schema.Pipeline, index map[string]int) (*Graph, schema.Diagnostics) {
	n := len(p.Nodes)
	g := &Graph{
		ids:        make([]string, n),
		index:      index,
		needs:      make([][]int, n),
		dependents: make([][]int, n),
	}
	if index == nil {
		g.index = make(map[string]int, n)
	}
	for i, node := range p.Nodes {
		g.ids[i] = node.ID
		if index == nil {
			g.index[node.ID] = i
		}
	}
	var diags schema.Diagnostics
	// Every node's needs share one slice, and so do its dependents (see
	// dependentsOf): two allocations for the edges rather than one or more
	// per node.
	edges := 0
	for _, node := range p.Nodes {
		edges += len(node.Needs)
	}
	all := make([]int, 0, edges)
	for i, node := range p.Nodes {
		if len(node.Needs) == 0 {
			continue
		}
		start := len(all)
		needs := all[start : start : start+len(node.Needs)]
		for _, ref := range node.Needs {
			j, ok := g.index[ref.ID]
			switch {
			case !ok:
				diags = append(diags, g.unknownNeed(p, node, ref))
			case j == i:
				diags = append(diags, p.Source.Diag(ref.Pos, "a node cannot need itself; remove it from needs", "cycle: %s -> %s", node.ID, node.ID))
			case slices.Contains(needs, j):
				diags = append(diags, p.Source.Diag(ref.Pos, "remove the second entry", "node %s needs %s twice", node.ID, ref.ID))
			default:
				needs = append(needs, j)
			}
		}
		all = all[:start+len(needs)]
		g.needs[i] = needs[:len(needs):len(needs)]
	}
	g.dependentsOf(len(all))
	if cycles := g.sort(); len(cycles) > 0 {
		for _, c := range cycles {
			names := make([]string, len(c))
			for k, v := range c {
				names[k] = g.ids[v]
			}
			pos := p.Nodes[c[0]].Pos
			for _, ref := range p.Nodes[c[0]].Needs {
				if ref.ID == names[1] {
					pos = ref.Pos
				}
			}
			diags = append(diags, p.Source.Diag(pos, "remove one of these needs to break the cycle", "cycle: %s", strings.Join(names, " -> ")))
		}
	}
	g.topo = g.order
	if len(diags) > 0 {
		g.order, g.level, g.height = nil, nil, nil
	}
	return g, diags
}

// dependentsOf fills dependents from needs (edges of them in all), each
// node's a view of one shared slice: in file order, as appending them
// would give.
func (g *Graph) dependentsOf(edges int) {
	count := make([]int, len(g.ids)+1)
	for _, needs := range g.needs {
		for _, j := range needs {
			count[j+1]++
		}
	}
	for j := range len(g.ids) {
		count[j+1] += count[j]
	}
	all := make([]int, edges)
	for j := range len(g.ids) {
		if n := count[j+1] - count[j]; n > 0 {
			g.dependents[j] = all[count[j]:count[j]:count[j+1]]
		}
	}
	for i, needs := range g.needs {
		for _, j := range needs {
			g.dependents[j] = append(g.dependents[j], i)
		}
	}
}

// sort orders the nodes with Kahn's algorithm (ready nodes in file order)
// and levels them. Nodes left over sit on or behind a cycle; it returns each
// cycle as a path that starts and ends at its first node in file order.
func (g *Graph) sort() [][]int {
	n := len(g.ids)
	indeg := make([]int, n)
	g.level = make([]int, n)
	g.order = make([]int, 0, n)
	for i := range n {
		indeg[i] = len(g.needs[i])
		if indeg[i] == 0 {
			g.order = append(g.order, i)
		}
	}
	for k := 0; k < len(g.order); k++ {
		v := g.order[k]
		for _, d := range g.dependents[v] {
			g.level[d] = max(g.level[d], g.level[v]+1)
			if indeg[d]--; indeg[d] == 0 {
				g.order = append(g.order, d)
			}
		}
	}
	if len(g.order) == n {
		g.height = make([]int, n)
		for k := n - 1; k >= 0; k-- {
			v := g.order[k]
			for _, d := range g.dependents[v] {
				g.height[v] = max(g.height[v], g.height[d]+1)
			}
		}
		return nil
	}
	return g.cycles(indeg)
}

// cycles names the cycles among the nodes Kahn could not order. The library
// finds the strongly connected components in linear time; a shortest path
// round each component names its cycle.
//
// Vertices are keyed by node number + 1: graph v0.23.0's Tarjan loop stops
// popping a component at the key type's zero value, so a vertex keyed 0
// loses its component.
func (g *Graph) cycles(indeg []int) [][]int {
	lg := graph.New(graph.IntHash, graph.Directed())
	for v, d := range indeg {
		if d > 0 {
			_ = lg.AddVertex(v + 1)
		}
	}
	for v, d := range indeg {
		if d == 0 {
			continue
		}
		for _, w := range g.needs[v] {
			if indeg[w] > 0 {
				_ = lg.AddEdge(v+1, w+1)
			}
		}
	}
	sccs, err := graph.StronglyConnectedComponents(lg)
	if err != nil {
		panic(fmt.Sprintf("dag: strongly connected components: %v", err))
	}
	var out [][]int
	for _, scc := range sccs {
		if len(scc) < 2 {
			continue
		}
		for k := range scc {
			scc[k]--
		}
		slices.Sort(scc)
		out = append(out, g.cycleThrough(scc))
	}
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

// cycleThrough returns the shortest path from the component's first node
// back to itself, following needs inside the component.
func (g *Graph) cycleThrough(scc []int) []int {
	start := scc[0]
	prev := make(map[int]int, len(scc))
	queue := []int{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.needs[v] {
			if _, in := slices.BinarySearch(scc, w); !in {
				continue
			}
			if w == start {
				path := []int{start}
				for u := v; u != start; u = prev[u] {
					path = append(path, u)
				}
				path = append(path, start)
				slices.Reverse(path[1 : len(path)-1])
				return path
			}
			if _, seen := prev[w]; !seen {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return []int{start, start}
}

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.ids) }

// ID returns the id of node i.
func (g *Graph) ID(i int) string { return g.ids[i] }

// Index returns the number of the node called id.
func (g *Graph) Index(id string) (int, bool) {
	i, ok := g.index[id]
	return i, ok
}

// Needs lists the nodes node i needs. The slice must not be changed.
func (g *Graph) Needs(i int) []int { return g.needs[i] }

// Dependents lists the nodes that need node i. The slice must not be changed.
func (g *Graph) Dependents(i int) []int { return g.dependents[i] }

// Order returns the nodes in topological order, needs first, ties in file
// order. The slice must not be changed.
func (g *Graph) Order() []int { return g.order }

// Level is the length of the longest chain of needs below node i: 0 for a
// node that needs nothing.
func (g *Graph) Level(i int) int { return g.level[i] }

// Height is the length of the longest chain of dependents above node i: 0
// for a node nothing needs. Starting the highest ready node first keeps the
// critical path moving when slots are short.
func (g *Graph) Height(i int) int { return g.height[i] }

// Levels groups the nodes by level, each group in file order.
func (g *Graph) Levels() [][]int {
	var levels [][]int
	for i := range g.ids {
		l := g.level[i]
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], i)
	}
	return levels
}
