package engine_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestLoadCollectsBigParseTree checks that loading a big file with
// LowMemory collects the YAML tree before compiling (one forced
// collection), and a small file or a load without LowMemory not: the
// difference is the big run's peak RSS (testdata/bench/process.sh).
func TestLoadCollectsBigParseTree(t *testing.T) {
	for _, tc := range []struct {
		nodes  int
		low    bool
		forced bool
	}{
		{nodes: 10, low: true, forced: false},
		{nodes: 40_000, low: true, forced: true}, // about 1.3 MiB
		{nodes: 40_000, low: false, forced: false},
	} {
		t.Run(fmt.Sprintf("%d nodes, low memory %v", tc.nodes, tc.low), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("nodes:\n")
			for i := range tc.nodes {
				fmt.Fprintf(&b, "  n%d:\n    module: echo\n    needs: [n%d]\n", i+1, i)
			}
			b.WriteString("  n0:\n    module: echo\n")
			file := filepath.Join(t.TempDir(), "pipeline.yaml")
			if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			plan, err := engine.LoadWith(file, modules.Default, engine.LoadOptions{LowMemory: tc.low})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if plan.Graph.Len() != tc.nodes+1 {
				t.Fatalf("plan has %d nodes, want %d", plan.Graph.Len(), tc.nodes+1)
			}
			if forced := after.NumForcedGC > before.NumForcedGC; forced != tc.forced {
				t.Errorf("%d-node file of %d bytes: forced collection %v, want %v", tc.nodes, b.Len(), forced, tc.forced)
			}
		})
	}
}
