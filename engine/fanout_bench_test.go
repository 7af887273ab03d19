package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// BenchmarkForeach is the engine's overhead per instance of one foreach
// node over n items (a list made by a node at run time), beside
// BenchmarkRun's per node: "bare" instances have no inputs, as
// BenchmarkRun's nodes have none; "item" instances each get an input
// that is a template over item (a map per instance, which echo copies).
func BenchmarkForeach(b *testing.B) {
	for _, with := range []string{"bare", "item"} {
		for _, n := range []int{1_000, 100_000} {
			var sb strings.Builder
			sb.WriteString("nodes:\n  list:\n    module: echo\n    with:\n      items: [")
			for i := range n {
				if i > 0 {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "%d", i)
			}
			sb.WriteString("]\n  fit:\n    module: echo\n    needs: list\n    foreach: ${{ nodes.list.outputs.items }}\n")
			if with == "item" {
				sb.WriteString("    with: {x: '${{ item }}'}\n")
			}
			// The fan-in reads outputs, as most do: reading nodes.fit.items
			// as well costs 80 B an instance more.
			sb.WriteString("  report:\n    module: echo\n    needs: fit\n    with: {n: '${{ len(nodes.fit.outputs) }}'}\n")
			plan, err := engine.Parse("fan.yaml", []byte(sb.String()), modules.Default)
			if err != nil {
				b.Fatal(err)
			}
			eng := engine.New(modules.Default)
			b.Run(fmt.Sprintf("%s/%d", with, n), func(b *testing.B) {
				b.ReportAllocs()
				cost := measure(n)
				for b.Loop() {
					rec, err := eng.Run(context.Background(), plan, engine.Options{MaxParallel: runtime.NumCPU()})
					if err != nil || rec.Status != engine.StatusSuccess || len(rec.Nodes) != n+3 {
						b.Fatal(err, rec.Status, len(rec.Nodes))
					}
				}
				cost.report(b)
			})
		}
	}
}
