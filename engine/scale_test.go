package engine_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestReferencesScale checks that validating references to ancestors
// costs about the same per node however long the pipeline is: a chain
// where every node reads nodes.n0 once made a search of the whole chain per
// reference. Behind a cycle (an error, but validation goes on to report
// the rest) the same held. Memory is measured, not time (the test machine
// is shared).
func TestReferencesScale(t *testing.T) {
	for _, cycle := range []bool{false, true} {
		t.Run(fmt.Sprintf("behind a cycle %v", cycle), func(t *testing.T) {
			perNode := map[int]uint64{}
			for _, n := range []int{200, 5000} {
				data := string(genPipeline("chainref", n))
				if cycle {
					data = strings.Replace(data, "  n0:\n    module: echo\n", "  n0:\n    module: echo\n    needs: c1\n  c1: {module: echo, needs: c2}\n  c2: {module: echo, needs: c1}\n", 1)
				}
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				_, err := engine.Parse("scale.yaml", []byte(data), modules.Default)
				runtime.ReadMemStats(&after)
				if (err != nil) != cycle {
					t.Fatalf("error %v", err)
				}
				perNode[n] = (after.TotalAlloc - before.TotalAlloc) / uint64(n)
				t.Logf("chainref/%d: %d B/node", n, perNode[n])
			}
			if small, big := perNode[200], perNode[5000]; big > 2*small {
				t.Errorf("5000 nodes cost %d B/node, 200 nodes %d B/node: validation grows faster than the pipeline", big, small)
			}
		})
	}
}
