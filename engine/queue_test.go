package engine

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// The queue pops the node with the greatest height first, ties by index,
// whatever the order of the pushes and pops in between.
func TestReadyQueueOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := 1 + rng.IntN(300)
		heights := make([]int, n)
		for i := range heights {
			heights[i] = rng.IntN(1 + round%20)
		}
		q := readyQueue{height: func(i int) int { return heights[i] }}
		var in []int // what the queue holds, by our own count
		var got, want []int
		for _, i := range rng.Perm(n) {
			q.push(i)
			in = append(in, i)
			if rng.IntN(3) == 0 {
				slices.SortFunc(in, func(a, b int) int {
					return cmp.Or(cmp.Compare(heights[b], heights[a]), cmp.Compare(a, b))
				})
				want, in = append(want, in[0]), in[1:]
				got = append(got, q.pop())
			}
		}
		slices.SortFunc(in, func(a, b int) int {
			return cmp.Or(cmp.Compare(heights[b], heights[a]), cmp.Compare(a, b))
		})
		want = append(want, in...)
		for q.Len() > 0 {
			got = append(got, q.pop())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: popped %v, want %v", round, got, want)
		}
	}
}

func TestReadyQueueDrain(t *testing.T) {
	q := readyQueue{height: func(int) int { return 0 }}
	for _, i := range []int{5, 3, 9} {
		q.push(i)
	}
	got := q.drain()
	slices.Sort(got)
	if !slices.Equal(got, []int{3, 5, 9}) || q.Len() != 0 {
		t.Fatalf("drained %v, %d left", got, q.Len())
	}
}
