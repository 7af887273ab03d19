package engine_test

import (
	"runtime"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestReferencesScale checks that validating references to ancestors
// costs about the same per node however long the pipeline is: a chain
// where every node reads nodes.n0 once made a search of the whole chain per
// reference. Memory is measured, not time (the test machine is shared).
func TestReferencesScale(t *testing.T) {
	tests := []struct {
		shape string
		n     int
	}{
		{"chainref", 200},
		{"chainref", 5000},
	}
	perNode := map[int]uint64{}
	for _, tt := range tests {
		data := genPipeline(tt.shape, tt.n)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := engine.Parse("scale.yaml", data, modules.Default); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		perNode[tt.n] = (after.TotalAlloc - before.TotalAlloc) / uint64(tt.n)
		t.Logf("%s/%d: %d B/node", tt.shape, tt.n, perNode[tt.n])
	}
	if small, big := perNode[200], perNode[5000]; big > 2*small {
		t.Errorf("5000 nodes cost %d B/node, 200 nodes %d B/node: validation grows faster than the pipeline", big, small)
	}
}
