package temporal

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// DefaultStallAfter is how long a run's work may wait for a worker before
// a follower says so.
const DefaultStallAfter = 3 * time.Second

// pollerFresh is how recently a worker must have polled a task queue to
// count: the server lists a poller for minutes after it went away, and a
// live one polls again at least every minute or so (a long poll).
const pollerFresh = 90 * time.Second

// Stall says that a run's work waits for a worker that does not come: no
// worker polls its task queue, or those that do take none of it.
type Stall struct {
	// Queue is the task queue the run's work waits on.
	Queue string
	// Pollers counts the workers that polled Queue lately.
	Pollers int
	// Nodes counts the node attempts waiting to start; 0 when the run
	// itself waits (its workflow, which decides what starts).
	Nodes int
	// Waited is how long the oldest of that work has waited.
	Waited time.Duration
}

func (s Stall) String() string { return s.say("the run") }

// say tells the stall of run, the words that name it.
func (s Stall) say(run string) string {
	what := run + " waits"
	if s.Nodes > 0 {
		what = fmt.Sprintf("%d node(s) of %s wait", s.Nodes, run)
	}
	if s.Pollers == 0 {
		return fmt.Sprintf("%s for a worker: no worker polls task queue %s", what, s.Queue)
	}
	return fmt.Sprintf("%s for a worker on task queue %s: %d worker(s) polled it lately, but none has taken the work for %s (busy, or gone)",
		what, s.Queue, s.Pollers, s.Waited.Round(time.Second))
}

// stallWatch tells, from describes of a run, whether its work has waited
// for a worker longer than after. It times waits by its own clock, from
// when it first saw each piece of work pending: the server's clock may be
// another machine's.
type stallWatch struct {
	after time.Duration
	now   func() time.Time
	seen  map[string]time.Time
}

func newStallWatch(after time.Duration) *stallWatch {
	if after <= 0 {
		after = DefaultStallAfter
	}
	return &stallWatch{after: after, now: time.Now, seen: map[string]time.Time{}}
}

// check describes run id and returns its stall, or nil when its work is
// taken (or it has ended).
func (w *stallWatch) check(ctx context.Context, c client.Client, id string) (*Stall, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, err
	}
	st, kind := w.pending(desc, w.now())
	if st == nil {
		return nil, nil
	}
	n, err := pollers(ctx, c, st.Queue, kind)
	if err != nil {
		return nil, err
	}
	if st.Nodes > 0 && n > 0 {
		// Nodes queue for busy workers (their --max-parallel): that is
		// no stall. A run whose own work waits is one, pollers or not:
		// a killed worker stays listed for minutes.
		return nil, nil
	}
	st.Pollers = n
	return st, nil
}

// pending returns the work of desc that has waited for a worker longer
// than w.after, and the kind of task queue it waits on.
func (w *stallWatch) pending(desc *workflowservice.DescribeWorkflowExecutionResponse, now time.Time) (*Stall, enumspb.TaskQueueType) {
	info := desc.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil, 0
	}
	queue := desc.GetExecutionConfig().GetTaskQueue().GetName()
	keys := map[string]bool{}
	var oldest time.Duration
	waits := func(key string) time.Duration {
		keys[key] = true
		first, ok := w.seen[key]
		if !ok {
			w.seen[key] = now
			first = now
		}
		d := now.Sub(first)
		oldest = max(oldest, d)
		return d
	}
	var st *Stall
	kind := enumspb.TASK_QUEUE_TYPE_WORKFLOW
	if wt := desc.GetPendingWorkflowTask(); wt != nil && wt.GetState() == enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED {
		if waits(fmt.Sprintf("wft %d %d", wt.GetScheduledTime().AsTime().UnixNano(), wt.GetAttempt())) >= w.after {
			st = &Stall{Queue: queue}
		}
	}
	nodes := 0
	for _, a := range desc.GetPendingActivities() {
		if a.GetState() != enumspb.PENDING_ACTIVITY_STATE_SCHEDULED {
			continue
		}
		if waits(fmt.Sprintf("act %s %d", a.GetActivityId(), a.GetAttempt())) >= w.after {
			nodes++
		}
	}
	for k := range w.seen {
		if !keys[k] {
			delete(w.seen, k)
		}
	}
	if st == nil && nodes > 0 {
		// Submit sends a run's nodes to the run's own queue.
		st, kind = &Stall{Queue: queue, Nodes: nodes}, enumspb.TASK_QUEUE_TYPE_ACTIVITY
	}
	if st != nil {
		st.Waited = oldest
	}
	return st, kind
}

// pollers counts the workers that polled queue lately.
func pollers(ctx context.Context, c client.Client, queue string, kind enumspb.TaskQueueType) (int, error) {
	resp, err := c.DescribeTaskQueue(ctx, queue, kind)
	if err != nil {
		return 0, fmt.Errorf("task queue %s: %w", queue, err)
	}
	n := 0
	for _, p := range resp.GetPollers() {
		if t := p.GetLastAccessTime(); t == nil || time.Since(t.AsTime()) < pollerFresh {
			n++
		}
	}
	return n, nil
}
