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

// templateStar writes n echo nodes that all need the first and read it and
// config through `${{ }}` inside a longer string and as a whole value: the
// template path of load and run. (A chain would measure ancestry checks
// and environments instead, which grow with the chain.)
func templateStar(n int) []byte {
	var b strings.Builder
	b.WriteString("name: templates\nconfig: {NAME: world}\nnodes:\n")
	for i := range n {
		fmt.Fprintf(&b, "  n%d:\n    module: echo\n", i)
		if i == 0 {
			b.WriteString("    with: {x: 1, message: \"hello ${{ config.NAME }}\"}\n")
			continue
		}
		fmt.Fprintf(&b, "    needs: n0\n    with: {x: '${{ nodes.n0.outputs.x }}', message: \"hello ${{ config.NAME }} from ${{ nodes.n0.message }} to %d\"}\n", i)
	}
	return []byte(b.String())
}

// BenchmarkTemplates loads and runs templateStar.
func BenchmarkTemplates(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		data := templateStar(n)
		b.Run(fmt.Sprintf("load/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cost := measure(n)
			for b.Loop() {
				if _, err := engine.Parse("bench.yaml", data, modules.Default); err != nil {
					b.Fatal(err)
				}
			}
			cost.report(b)
		})
		plan, err := engine.Parse("bench.yaml", data, modules.Default)
		if err != nil {
			b.Fatal(err)
		}
		eng := engine.New(modules.Default)
		b.Run(fmt.Sprintf("run/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			cost := measure(n)
			for b.Loop() {
				rec, err := eng.Run(context.Background(), plan, engine.Options{MaxParallel: runtime.NumCPU()})
				if err != nil || rec.Status != engine.StatusSuccess {
					b.Fatal(err, rec.Status)
				}
			}
			cost.report(b)
		})
	}
}
