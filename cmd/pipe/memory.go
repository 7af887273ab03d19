package main

import (
	"runtime/debug"

	"github.com/pipe-run/pipe/engine"
)

// bigPlan is the node count from which a run frees the memory its load
// left before it starts. At 10,000 nodes it saved 13 MB of 62 for +6%
// of the time (0.96-1.23x); at 100,000, 50-100 MB for none.
const bigPlan = 50_000

// freeLoadMemory returns to the system the memory a big pipeline's load
// left behind (yaml.v3's tree of the file is garbage once the plan is
// built) before the run allocates its own. Without it the garbage stays
// until the collector's next cycle, which the load's own heap sets far
// off, and the run's peak RSS is the load's plus the run's: 305-360 MB
// against 240-255 MB for 100,000 nodes, in the same time (1.00x,
// quartiles 0.95-1.09). A small plan is not worth a collection.
func freeLoadMemory(plan *engine.Plan) {
	if plan.Graph.Len() >= bigPlan {
		debug.FreeOSMemory()
	}
}
