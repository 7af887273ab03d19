package dag_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/schema"
)

// pipeline makes a pipeline of n nodes in code, without YAML: wide
// (independent), chain (each needs the one before) or random (each needs
// up to 3 random earlier nodes, fixed seed).
func pipeline(shape string, n int) *schema.Pipeline {
	rng := rand.New(rand.NewPCG(42, uint64(n)))
	p := &schema.Pipeline{Source: &schema.Source{Name: "bench.yaml"}, Name: shape, Nodes: make([]*schema.Node, n)}
	for i := range n {
		node := &schema.Node{ID: fmt.Sprintf("n%d", i), Module: "echo"}
		switch {
		case shape == "chain" && i > 0:
			node.Needs = []schema.Ref{{ID: fmt.Sprintf("n%d", i-1)}}
		case shape == "random" && i > 0:
			seen := map[int]bool{}
			for range rng.IntN(4) {
				if j := rng.IntN(i); !seen[j] {
					seen[j] = true
					node.Needs = append(node.Needs, schema.Ref{ID: fmt.Sprintf("n%d", j)})
				}
			}
		}
		p.Nodes[i] = node
	}
	return p
}

// BenchmarkBuild is the graph alone: build, order, level, check for
// cycles. It reports ns, bytes and allocations per node.
func BenchmarkBuild(b *testing.B) {
	for _, shape := range []string{"wide", "chain", "random"} {
		for _, n := range []int{100, 1_000, 10_000, 100_000} {
			p := pipeline(shape, n)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for b.Loop() {
					if _, diags := dag.Build(p); len(diags) > 0 {
						b.Fatal(diags)
					}
				}
				runtime.ReadMemStats(&after)
				per := float64(b.N) * float64(n)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/node")
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/node")
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/node")
			})
		}
	}
}

// BenchmarkAncestry asks what validation asks of a chain where every node
// reads the first one (far) or the node two back (near): one question a
// node. It reports ns and bytes per question.
func BenchmarkAncestry(b *testing.B) {
	for _, reach := range []string{"far", "near"} {
		for _, n := range []int{1_000, 10_000, 100_000} {
			g, _ := dag.Build(pipeline("chain", n))
			qs := make([]dag.Pair, 0, n)
			for i := 2; i < n; i++ {
				anc := 0
				if reach == "near" {
					anc = i - 2
				}
				qs = append(qs, dag.Pair{Anc: anc, N: i})
			}
			b.Run(fmt.Sprintf("chain-%s/%d", reach, n), func(b *testing.B) {
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for b.Loop() {
					g.Ancestry(qs)
				}
				runtime.ReadMemStats(&after)
				per := float64(b.N) * float64(len(qs))
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/question")
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/per, "B/question")
			})
		}
	}
}
