package temporal

import (
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/modules"
)

// DangerousQueue is the task queue of queue's dangerous nodes: only
// workers started with --allow-dangerous poll it, so that a dangerous
// node goes to one of them, not to whichever worker polls first.
func DangerousQueue(queue string) string { return queue + "-dangerous" }

// stopGrace is how long Stop waits for the attempts running here to end
// and say so.
const stopGrace = 5 * time.Second

// Worker polls a task queue for pipe's workflows and node activities
// and, on a worker that allows dangerous nodes, the queue's dangerous
// queue for those nodes.
type Worker struct {
	ws []worker.Worker
}

// deadlockAfter is how long a workflow task may run before the SDK takes
// it for a deadlock (see NewWorker).
const deadlockAfter = 8 * time.Second

// NewWorker returns a worker that polls queue and runs both pipe's
// workflows (the scheduling core) and its node activities (acts), at most
// maxParallel node attempts at once on each queue it polls (0: the SDK's
// default).
func NewWorker(c client.Client, queue string, maxParallel int, acts *Activities) *Worker {
	if queue == "" {
		queue = DefaultTaskQueue
	}
	opts := worker.Options{
		MaxConcurrentActivityExecutionSize: maxParallel,
		Identity:                           acts.Worker,
		// A cancel reaches a running node only in the answer to a
		// heartbeat; the SDK sends one every 80% of the heartbeat
		// time-out (8s by default) at most. Send one every heartbeatEvery.
		MaxHeartbeatThrottleInterval: heartbeatEvery,
		// Time for the attempts running here to say they were stopped
		// (RunNode stops them at once), so that they run again elsewhere
		// now, not once their heartbeats are missed.
		WorkerStopTimeout: stopGrace,
		// A workflow task evaluates the run's expressions: one may build
		// up to two million items (a foreach over a million), a second or
		// more on a busy worker, which the SDK's default (1 s) took for a
		// deadlock, failing the task again and again. Below the server's
		// workflow task time-out (10 s), past which it would not matter.
		DeadlockDetectionTimeout: deadlockAfter,
		// A workflow task that panics (this worker cannot compile the
		// run's pipeline: see cannotCompile) fails and runs again, on
		// this worker or another; the run goes on. Explicit, as the run
		// depends on it: FailWorkflow would end it for good.
		WorkflowPanicPolicy: worker.BlockWorkflow,
	}
	w := worker.New(c, queue, opts)
	w.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
	RegisterWorkflow(w, acts.Registry)
	out := &Worker{ws: []worker.Worker{w}}
	if acts.AllowDangerous {
		opts.DisableWorkflowWorker = true
		d := worker.New(c, DangerousQueue(queue), opts)
		d.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
		out.ws = append(out.ws, d)
	}
	return out
}

// Start starts polling; on an error, nothing polls.
func (w *Worker) Start() error {
	for i, x := range w.ws {
		if err := x.Start(); err != nil {
			for _, started := range w.ws[:i] {
				started.Stop()
			}
			return err
		}
	}
	return nil
}

// Stop stops polling and cancels the node attempts running here: their
// programs are killed, and Temporal runs them again on another worker.
func (w *Worker) Stop() {
	for _, x := range w.ws {
		x.Stop()
	}
}

// RegisterWorkflow registers pipe's workflow, compiling pipelines against
// reg, on w: a worker, or a replayer checking that the workflow still
// makes the decisions a recorded history holds.
func RegisterWorkflow(w worker.WorkflowRegistry, reg *modules.Registry) {
	wf := &Workflows{Registry: reg}
	w.RegisterWorkflowWithOptions(wf.Run, workflow.RegisterOptions{Name: WorkflowName})
}
