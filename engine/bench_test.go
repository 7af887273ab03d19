package engine_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// genPipeline writes a pipeline of n echo nodes in one of four shapes:
// wide (independent), chain (each needs the one before), chainref (a chain
// where every node reads nodes.n0, which validate checks is an ancestor)
// or random (each needs up to 3 random earlier nodes, fixed seed).
func genPipeline(shape string, n int) []byte {
	switch shape {
	case "random":
		return []byte(randomDAG(n, 3, 42, "echo"))
	case "chainref":
		var b strings.Builder
		b.Grow(n * 80)
		b.WriteString("name: chainref\nnodes:\n  n0:\n    module: echo\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "  n%d:\n    module: echo\n    needs: n%d\n    with: {x: '${{ nodes.n0.outputs.x }}'}\n", i, i-1)
		}
		return []byte(b.String())
	case "chain", "wide":
		var b strings.Builder
		b.Grow(n * 40)
		b.WriteString("name: " + shape + "\nnodes:\n")
		for i := range n {
			fmt.Fprintf(&b, "  n%d:\n    module: echo\n", i)
			if shape == "chain" && i > 0 {
				fmt.Fprintf(&b, "    needs: n%d\n", i-1)
			}
		}
		return []byte(b.String())
	}
	panic("unknown shape " + shape)
}

var benchSizes = []int{100, 1_000, 10_000, 100_000}

// nodeCost measures a benchmark's loop per node: time, bytes allocated
// and allocations. Start it before the loop, report after.
type nodeCost struct {
	n      int
	before runtime.MemStats
}

func measure(n int) *nodeCost {
	c := &nodeCost{n: n}
	runtime.ReadMemStats(&c.before)
	return c
}

func (c *nodeCost) report(b *testing.B) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	per := float64(b.N) * float64(c.n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/node")
	b.ReportMetric(float64(after.TotalAlloc-c.before.TotalAlloc)/per, "B/node")
	b.ReportMetric(float64(after.Mallocs-c.before.Mallocs)/per, "allocs/node")
}

// BenchmarkLoad is `pipe validate` without the file read: parse YAML,
// check, build and order the graph, compile expressions.
func BenchmarkLoad(b *testing.B) {
	for _, shape := range []string{"wide", "chain", "chainref", "random"} {
		for _, n := range benchSizes {
			data := genPipeline(shape, n)
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				cost := measure(n)
				for b.Loop() {
					if _, err := engine.Parse("bench.yaml", data, modules.Default); err != nil {
						b.Fatal(err)
					}
				}
				cost.report(b)
			})
		}
	}
}

// BenchmarkRun is the engine's overhead per in-process node: scheduling,
// goroutines, records, for echo nodes that do nothing. The journal
// variants add what `pipe run` adds: a JSON line per node (to io.Discard,
// so that the disk does not count).
func BenchmarkRun(b *testing.B) {
	for _, shape := range []string{"wide", "chain", "random"} {
		for _, n := range benchSizes {
			plan, err := engine.Parse("bench.yaml", genPipeline(shape, n), modules.Default)
			if err != nil {
				b.Fatal(err)
			}
			eng := engine.New(modules.Default)
			run := func(b *testing.B, opts engine.Options) {
				b.ReportAllocs()
				cost := measure(n)
				for b.Loop() {
					rec, err := eng.Run(context.Background(), plan, opts)
					if err != nil || rec.Status != engine.StatusSuccess {
						b.Fatal(err, rec.Status)
					}
				}
				cost.report(b)
			}
			b.Run(fmt.Sprintf("%s/%d", shape, n), func(b *testing.B) {
				run(b, engine.Options{MaxParallel: runtime.NumCPU()})
			})
			if n == 1_000 || n == 10_000 {
				b.Run(fmt.Sprintf("%s/%d/journal", shape, n), func(b *testing.B) {
					run(b, engine.Options{MaxParallel: runtime.NumCPU(), Journal: io.Discard})
				})
			}
		}
	}
}

// BenchmarkRunExecChain is the engine's cost per external process on the
// critical path: a chain of 200 exec nodes running `true`, beside
// modules/exec's BenchmarkExecTrue (the module alone).
func BenchmarkRunExecChain(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("nodes:\n")
	for i := range 200 {
		fmt.Fprintf(&sb, "  n%d:\n    module: exec\n    with: {command: [true]}\n", i)
		if i > 0 {
			fmt.Fprintf(&sb, "    needs: n%d\n", i-1)
		}
	}
	plan, err := engine.Parse("chain.yaml", []byte(sb.String()), modules.Default)
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(modules.Default)
	cost := measure(200)
	for b.Loop() {
		rec, err := eng.Run(context.Background(), plan, engine.Options{})
		if err != nil || rec.Status != engine.StatusSuccess {
			b.Fatal(err, rec.Status)
		}
	}
	cost.report(b)
}

// BenchmarkRunRecorded is what pipe run does past the load: a run with its
// journal (to io.Discard), then its record encoded, random DAGs of echo
// nodes.
func BenchmarkRunRecorded(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		plan, err := engine.Parse("bench.yaml", genPipeline("random", n), modules.Default)
		if err != nil {
			b.Fatal(err)
		}
		eng := engine.New(modules.Default)
		b.Run(fmt.Sprintf("random/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cost := measure(n)
			for b.Loop() {
				rec, err := eng.Run(context.Background(), plan, engine.Options{MaxParallel: runtime.NumCPU(), Journal: io.Discard})
				if err != nil || rec.Status != engine.StatusSuccess {
					b.Fatal(err, rec.Status)
				}
				if _, err := engine.EncodeRecord(rec); err != nil {
					b.Fatal(err)
				}
			}
			cost.report(b)
		})
	}
}
