package engine

import "container/heap"

// readyQueue holds nodes ready to start, waiting for a slot. The node with
// the longest chain of dependents above it comes first (ties in file
// order): when slots are short, the critical path should not wait behind
// leaves.
type readyQueue struct {
	nodes  []int
	height func(int) int
}

func (q *readyQueue) Len() int { return len(q.nodes) }

func (q *readyQueue) Less(a, b int) bool {
	ha, hb := q.height(q.nodes[a]), q.height(q.nodes[b])
	if ha != hb {
		return ha > hb
	}
	return q.nodes[a] < q.nodes[b]
}

func (q *readyQueue) Swap(a, b int) { q.nodes[a], q.nodes[b] = q.nodes[b], q.nodes[a] }

func (q *readyQueue) Push(x any) { q.nodes = append(q.nodes, x.(int)) }

func (q *readyQueue) Pop() any {
	n := len(q.nodes) - 1
	x := q.nodes[n]
	q.nodes = q.nodes[:n]
	return x
}

func (q *readyQueue) push(i int) { heap.Push(q, i) }

func (q *readyQueue) pop() int { return heap.Pop(q).(int) }

// drain empties the queue and returns what it held.
func (q *readyQueue) drain() []int {
	out := q.nodes
	q.nodes = nil
	return out
}
