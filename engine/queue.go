package engine

// readyQueue holds nodes ready to start, waiting for a slot. The node with
// the longest chain of dependents above it comes first (ties in file
// order): when slots are short, the critical path should not wait behind
// leaves.
//
// It is a binary min-heap of keys that pack the order into one integer:
// the complement of the height, then the node's index. Comparing plain
// integers, with no call and no lookup, keeps a queue of 100,000 ready nodes
// cheap.
type readyQueue struct {
	keys   []uint64
	height func(int) int
}

func (q *readyQueue) Len() int { return len(q.keys) }

func (q *readyQueue) push(i int) {
	key := uint64(^uint32(q.height(i)))<<32 | uint64(uint32(i))
	q.keys = append(q.keys, key)
	// Sift up.
	k := len(q.keys) - 1
	for k > 0 {
		parent := (k - 1) / 2
		if q.keys[parent] <= key {
			break
		}
		q.keys[k] = q.keys[parent]
		k = parent
	}
	q.keys[k] = key
}

func (q *readyQueue) pop() int {
	top := q.keys[0]
	last := q.keys[len(q.keys)-1]
	q.keys = q.keys[:len(q.keys)-1]
	if n := len(q.keys); n > 0 {
		// Sift the last key down from the root.
		k := 0
		for {
			child := 2*k + 1
			if child >= n {
				break
			}
			if child+1 < n && q.keys[child+1] < q.keys[child] {
				child++
			}
			if last <= q.keys[child] {
				break
			}
			q.keys[k] = q.keys[child]
			k = child
		}
		q.keys[k] = last
	}
	return int(uint32(top))
}

// drain empties the queue and returns what it held.
func (q *readyQueue) drain() []int {
	out := make([]int, len(q.keys))
	for k, key := range q.keys {
		out[k] = int(uint32(key))
	}
	q.keys = nil
	return out
}
