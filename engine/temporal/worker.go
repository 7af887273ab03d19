package temporal

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/modules"
)

// NewWorker returns a worker that polls queue and runs both pipe's
// workflows (the scheduling core) and its node activities (acts), at most
// maxParallel node attempts at once (0: the SDK's default).
func NewWorker(c client.Client, queue string, maxParallel int, acts *Activities) worker.Worker {
	if queue == "" {
		queue = DefaultTaskQueue
	}
	w := worker.New(c, queue, worker.Options{
		MaxConcurrentActivityExecutionSize: maxParallel,
		Identity:                           acts.Worker,
		// A cancel reaches a running node only in the answer to a
		// heartbeat; the SDK sends one every 80% of the heartbeat
		// time-out (8s by default) at most. Send one every heartbeatEvery.
		MaxHeartbeatThrottleInterval: heartbeatEvery,
	})
	w.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
	RegisterWorkflow(w, acts.Registry)
	return w
}

// RegisterWorkflow registers pipe's workflow, compiling pipelines against
// reg, on w: a worker, or a replayer checking that the workflow still
// makes the decisions a recorded history holds.
func RegisterWorkflow(w worker.WorkflowRegistry, reg *modules.Registry) {
	wf := &Workflows{Registry: reg}
	w.RegisterWorkflowWithOptions(wf.Run, workflow.RegisterOptions{Name: WorkflowName})
}
