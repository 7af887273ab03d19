package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// Submit starts the run's workflow on queue; its id is the run's id. A
// run id that is taken is an error.
func Submit(ctx context.Context, c client.Client, in RunInput, queue string, timeout time.Duration) error {
	if queue == "" {
		queue = DefaultTaskQueue
	}
	in.TaskQueue = queue
	opts := client.StartWorkflowOptions{
		ID:                       in.RunID,
		TaskQueue:                queue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionTimeout: 0,
	}
	if timeout > 0 {
		// The workflow ends itself at the pipeline's time-out and records
		// it; this only stops a workflow that cannot.
		opts.WorkflowExecutionTimeout = 2*timeout + 10*time.Minute
	}
	if err := checkRunSize(in); err != nil {
		return err
	}
	_, err := c.ExecuteWorkflow(ctx, opts, WorkflowName, in)
	if err != nil {
		return fmt.Errorf("starting run %s on Temporal: %w", in.RunID, err)
	}
	return nil
}

// ErrTooLarge is the error of a run whose input (its pipeline file,
// config and .env) Temporal would refuse.
var ErrTooLarge = errors.New("too large to start on Temporal")

// checkRunSize says which parts of in make it larger than Temporal takes
// in one payload (the server's own word is "Blob data size exceeds
// limit"), as the workflow would receive it.
func checkRunSize(in RunInput) error {
	b, err := json.Marshal(in)
	if err != nil || len(b) <= maxRunJSON {
		return err
	}
	parts := []part{{"the pipeline file", len(in.Source) * 4 / 3}}
	var cfg map[string]json.RawMessage
	if json.Unmarshal(in.Config, &cfg) == nil {
		for k, v := range cfg {
			parts = append(parts, part{"config " + k, len(v)})
		}
	}
	for k, v := range in.Env {
		parts = append(parts, part{".env key " + k, len(v)})
	}
	return fmt.Errorf("run %s is %w: its pipeline file, config and .env are %s of JSON (%s), over the %s Temporal takes in one payload; "+
		"pass large data by path (a file the workers can read, shared storage), not as a value",
		in.RunID, ErrTooLarge, modules.Size(int64(len(b))), largest(parts, len(b)), modules.Size(PayloadLimit))
}

// ErrEnded is the error of a cancel of a run that has ended.
var ErrEnded = errors.New("there is nothing to cancel")

// Cancel asks run id to stop: its nodes are cancelled, its clean-up nodes
// run, and it ends with its record.
func Cancel(ctx context.Context, c client.Client, id string) error {
	// Temporal takes a cancel of a run that has ended, and does nothing.
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return notFound(id, err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return fmt.Errorf("run %s has ended (%s): %w", id, strings.ToLower(st.String()), ErrEnded)
	}
	if err := c.CancelWorkflow(ctx, id, ""); err != nil {
		return notFound(id, err)
	}
	return nil
}

// Status returns run id's record as it stands (from the workflow while it
// runs, its result once it has ended) and whether it still runs. A run
// that waits for a worker cannot say how it stands (a worker answers for
// it): the error is then a *WaitError.
func Status(ctx context.Context, c client.Client, id string) (*engine.Record, bool, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, false, notFound(id, err)
	}
	running := desc.GetWorkflowExecutionInfo().GetStatus() == enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING
	var b []byte
	if running {
		if werr := waiting(ctx, c, id, desc, nil); werr != nil {
			return nil, true, werr
		}
		qctx, cancel := context.WithTimeout(ctx, statusQueryTimeout)
		b, err = queryRecord(qctx, c, id)
		cancel()
		if err != nil && ctx.Err() == nil {
			if werr := waiting(ctx, c, id, desc, err); werr != nil {
				return nil, true, werr
			}
		}
	} else {
		err = c.GetWorkflow(ctx, id, "").Get(ctx, &b)
	}
	if err != nil {
		return nil, running, fmt.Errorf("run %s: %w", id, err)
	}
	rec := new(engine.Record)
	if err := json.Unmarshal(b, rec); err != nil {
		return nil, running, fmt.Errorf("run %s: its record: %w", id, err)
	}
	return rec, running, nil
}

// statusQueryTimeout bounds the wait for a worker to answer for a run.
const statusQueryTimeout = 10 * time.Second

// WaitError says that a run waits for a worker, which alone can say how
// the run stands.
type WaitError struct {
	Run   string
	Stall Stall
	// Err is the read of the run that failed, if one was tried.
	Err error
}

func (e *WaitError) Error() string { return e.Stall.say("run " + e.Run) }
func (e *WaitError) Unwrap() error { return e.Err }

// waiting returns a *WaitError when run id's workflow waits for a worker
// (its workflow task is not taken: with none polling its queue at once,
// or after a read that failed, qerr), nil otherwise.
func waiting(ctx context.Context, c client.Client, id string, desc *workflowservice.DescribeWorkflowExecutionResponse, qerr error) error {
	wt := desc.GetPendingWorkflowTask()
	queue := desc.GetExecutionConfig().GetTaskQueue().GetName()
	// A task tried before failed on a worker (or timed out with one).
	failed := int(max(wt.GetAttempt()-1, 0))
	if qerr == nil && failed == 0 && wt.GetState() != enumspb.PENDING_WORKFLOW_TASK_STATE_SCHEDULED {
		return nil
	}
	n, err := pollers(ctx, c, queue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
	if err != nil || (qerr == nil && n > 0 && failed == 0) {
		return nil
	}
	st := Stall{Queue: queue, Pollers: n, Failed: failed}
	if wt != nil {
		st.Waited = time.Since(wt.GetScheduledTime().AsTime()).Round(time.Second)
	}
	return &WaitError{Run: id, Stall: st, Err: qerr}
}

// Waiting returns a *WaitError when run id's own work (its workflow task,
// which acts on a cancel too) waits for a worker that does not take it,
// nil otherwise.
func Waiting(ctx context.Context, c client.Client, id string) error {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil || desc.GetWorkflowExecutionInfo().GetStatus() != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		return nil
	}
	return waiting(ctx, c, id, desc, nil)
}

func notFound(id string, err error) error {
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("no run %s on this Temporal namespace: %w", id, err)
	}
	return fmt.Errorf("run %s: %w", id, err)
}

// from the first event of its history: no worker need be up.
func Source(ctx context.Context, c client.Client, id string) (RunInput, error) {
	var in RunInput
	iter := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !iter.HasNext() {
		return in, fmt.Errorf("run %s: its history is empty", id)
	}
	ev, err := iter.Next()
	if err != nil {
		return in, notFound(id, err)
	}
	started := ev.GetWorkflowExecutionStartedEventAttributes()
	if started == nil {
		return in, fmt.Errorf("run %s: its history does not begin with its start", id)
	}
	if started.GetWorkflowType().GetName() != WorkflowName {
		return in, fmt.Errorf("run %s is a %s workflow, not a pipe run", id, started.GetWorkflowType().GetName())
	}
	if err := converter.GetDefaultDataConverter().FromPayloads(started.GetInput(), &in); err != nil {
		return in, fmt.Errorf("run %s: its input: %w", id, err)
	}
	return in, nil
}
