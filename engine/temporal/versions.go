package temporal

import (
	"github.com/pipe-run/pipe/engine"
	"go.temporal.io/sdk/workflow"
)

// The changes of what the workflow decides, each behind
// workflow.GetVersion (asked, where it can be, only where the change
// would decide otherwise), so that a run an earlier pipe started replays
// on an upgraded worker as it ran. Their names are written in histories:
// never rename one.

// changeCancelFirst marks (workflow.GetVersion) the runs that check for
// a cancel before they open.
const changeCancelFirst = "cancel-before-open"

// changePendingBound marks the runs that keep at most MaxPendingNodes
// nodes pending.
const changePendingBound = "pending-bound"

// changeWaitTimeout marks the runs whose `wait` nodes time out at their
// node's time-out (they waited their whole duration). Asked only of a
// wait longer than its node's time-out.
const changeWaitTimeout = "wait-timeout"

// changeTaskBound marks the runs that fail a node whose task is over
// maxTaskJSON rather than schedule it (the server refused such a task,
// and the run stopped for good). Asked only of a task that large: a run
// started before replays as it ran.
const changeTaskBound = "task-bound"

// changeBackoffSlot marks the runs whose nodes give up their slot of the
// run's max_parallel while they wait out a retry's back-off (they kept
// it, and the others waited). Asked at a run's first back-off.
const changeBackoffSlot = "backoff-slot"

// changeTimeoutValues marks the runs that keep the outputs a timed-out
// attempt gave: a pipeline node's, which carry its sub-pipeline's node
// records (they were dropped, and the record had none of its children).
// Asked only of a timed-out attempt that gave some.
const changeTimeoutValues = "timeout-values"

// adopts answers the core's engine.Options.Adopts with workflow.GetVersion,
// the change's name its id: a run started before the change (its history
// holds no marker of it) replays without it; a new run takes it, and its
// history says so.
func adopts(ctx workflow.Context) func(engine.Change) bool {
	return func(ch engine.Change) bool {
		return workflow.GetVersion(ctx, string(ch), workflow.DefaultVersion, 1) == 1
	}
}
