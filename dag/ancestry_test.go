package dag_test

import (
	"fmt"
	"testing"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/schema"
)

// TestAncestryAgreesWithIsAncestor asks every pair of nodes of several
// graphs both ways: the batched sweep must answer as the search does,
// across more than one 64-ancestor batch.
func TestAncestryAgreesWithIsAncestor(t *testing.T) {
	unknownNeed := pipeline("random", 150)
	unknownNeed.Nodes[7].Needs = append(unknownNeed.Nodes[7].Needs, schema.Ref{ID: "nowhere"})
	cycle := pipeline("chain", 100)
	cycle.Nodes[10].Needs = append(cycle.Nodes[10].Needs, schema.Ref{ID: "n50"})
	// Behind a cycle each question is a search, within a budget: ask few.
	all, some := func(int) bool { return true }, func(a int) bool { return a%20 == 0 || a == 51 }
	tests := []struct {
		name string
		p    *schema.Pipeline
		ask  func(anc int) bool
	}{
		{"wide", pipeline("wide", 70), all},
		{"chain", pipeline("chain", 150), all},
		{"random", pipeline("random", 300), all},
		{"random with an unknown need", unknownNeed, all},
		{"chain with a cycle", cycle, some},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := dag.Build(tt.p)
			var qs []dag.Pair
			for a := range g.Len() {
				if !tt.ask(a) {
					continue
				}
				for n := range g.Len() {
					qs = append(qs, dag.Pair{Anc: a, N: n})
				}
			}
			got := g.Ancestry(qs)
			bad := 0
			for k, q := range qs {
				if want := g.IsAncestor(q.Anc, q.N); got[k] != want && bad < 5 {
					bad++
					t.Errorf("Ancestry(%s, %s) = %v, IsAncestor says %v", g.ID(q.Anc), g.ID(q.N), got[k], want)
				}
			}
		})
	}
}

func ExampleGraph_Ancestry() {
	g, _ := dag.Build(pipeline("chain", 4))
	fmt.Println(g.Ancestry([]dag.Pair{{Anc: 0, N: 3}, {Anc: 3, N: 0}, {Anc: 2, N: 3}, {Anc: 1, N: 1}}))
	// Output: [true false true false]
}
