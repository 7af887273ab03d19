package temporal

import (
	"context"
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// DefaultStallAfter is how long a run's work may wait for a worker before
// a follower says so.
const DefaultStallAfter = 3 * time.Second

// busyStall is how many times StallAfter nodes may queue for workers
// that poll their queue before a follower says so.
const busyStall = 10

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
	// Dangerous is set when the nodes are dangerous ones, which only
	// workers started with --allow-dangerous take (DangerousQueue).
	Dangerous bool
	// Failed counts the times the run's workflow task failed on the
	// workers that took it: workers there are, but the run does not go
	// on (no cancel either: a cancel needs a workflow task too).
	Failed int
}

func (s Stall) String() string { return s.say("the run") }

// say tells the stall of run, the words that name it.
func (s Stall) say(run string) string {
	what := run + " waits"
	if s.Nodes > 0 {
		what = fmt.Sprintf("%d node(s) of %s wait", s.Nodes, run)
	}
	if s.Failed > 0 && s.Pollers > 0 {
		return fmt.Sprintf("%s does not go on: its workflow task failed %d time(s) on the workers of task queue %s, and is tried again and again (their logs say why)",
			run, s.Failed, s.Queue)
	}
	if s.Dangerous {
		return fmt.Sprintf("%d dangerous node(s) of %s wait for a worker that allows them: none polls task queue %s (it is refused after a while)", s.Nodes, run, s.Queue)
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
	run, nodes := w.pending(desc, w.now())
	if run != nil {
		n, err := pollers(ctx, c, run.Queue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		if err != nil {
			return nil, err
		}
		run.Pollers = n
		return run, nil
	}
	for _, st := range nodes {
		n, err := pollers(ctx, c, st.Queue, enumspb.TASK_QUEUE_TYPE_ACTIVITY)
		if err != nil {
			return nil, err
		}
		// Nodes queue for busy workers (their --max-parallel): that is
		// no stall, unless it lasts (busyStall times after): a worker
		// that died stays listed as a poller for minutes. A run whose
		// own work waits is a stall, pollers or not.
		if n == 0 || st.Waited >= busyStall*w.after {
			st.Pollers = n
			return &st, nil
		}
	}
	return nil, nil
}

// pending returns the work of desc that has waited for a worker longer
// than w.after: the run's own (its workflow task), or else its nodes,
// by task queue.
func (w *stallWatch) pending(desc *workflowservice.DescribeWorkflowExecutionResponse, now time.Time) (*Stall, []Stall) {
	info := desc.GetWorkflowExecutionInfo()
	if info.GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil, nil
	}
	queue := desc.GetExecutionConfig().GetTaskQueue().GetName()
	keys := map[string]bool{}
	// waited tells how long key has been pending, by w's clock.
	waited := func(key string) time.Duration {
		keys[key] = true
		first, ok := w.seen[key]
		if !ok {
			w.seen[key] = now
			first = now
		}
		return now.Sub(first)
	}
	defer func() {
		for k := range w.seen {
			if !keys[k] {
				delete(w.seen, k)
			}
		}
	}()
	// A task tried before failed on a worker, or timed out there: one
	// that fails again and again is started, and times out, each time
	// (the SDK reports only its first failure).
	if wt := desc.GetPendingWorkflowTask(); wt != nil && (wt.GetState() == enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED || wt.GetAttempt() > 1) {
		if d := waited(fmt.Sprintf("wft %d %d", wt.GetScheduledTime().AsTime().UnixNano(), wt.GetAttempt())); d >= w.after {
			return &Stall{Queue: queue, Waited: d, Failed: int(max(wt.GetAttempt()-1, 0))}, nil
		}
	}
	var nodes []Stall
	for _, a := range desc.GetPendingActivities() {
		if a.GetState() != enumspb.PENDING_ACTIVITY_STATE_SCHEDULED {
			continue
		}
		d := waited(fmt.Sprintf("act %s %d", a.GetActivityId(), a.GetAttempt()))
		if d < w.after {
			continue
		}
		q := a.GetActivityOptions().GetTaskQueue().GetName()
		if q == "" {
			q = queue
		}
		k := slices.IndexFunc(nodes, func(st Stall) bool { return st.Queue == q })
		if k < 0 {
			nodes = append(nodes, Stall{Queue: q, Dangerous: q == DangerousQueue(queue)})
			k = len(nodes) - 1
		}
		nodes[k].Nodes++
		nodes[k].Waited = max(nodes[k].Waited, d)
	}
	return nil, nodes
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
