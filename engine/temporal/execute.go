package temporal

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// driver says how attempts run as activities.
type driver struct {
	queue     string
	heartbeat time.Duration
	// dangerousWait bounds the wait of a dangerous node for a worker
	// that allows it.
	dangerousWait time.Duration
	// files holds the digests of the files each node's worker reads by
	// itself (RunInput.Files).
	files map[string]map[string]string
}

// execute starts one attempt as an activity; prior is how the attempt
// before it ended (nil for the first).
func (d *driver) execute(ctx workflow.Context, task engine.Task, prior *priorAttempt) (workflow.Future, error) {
	timeout := task.Timeout
	if timeout <= 0 {
		// Temporal needs a bound; heartbeats find a lost worker long
		// before this.
		timeout = 365 * 24 * time.Hour
	} else {
		timeout += 5 * time.Second // the worker ends it first, and says so
	}
	opts := workflow.ActivityOptions{
		TaskQueue:           d.queue,
		StartToCloseTimeout: timeout,
		HeartbeatTimeout:    d.heartbeat,
		WaitForCancellation: true,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1}, // the core's retries, not Temporal's
	}
	if task.Dangerous {
		// Only workers that allow dangerous nodes poll this queue; with
		// none, the node is refused, as a worker would refuse it.
		opts.TaskQueue = DangerousQueue(d.queue)
		opts.ScheduleToStartTimeout = d.dangerousWait
	}
	actx := workflow.WithActivityOptions(ctx, opts)
	payload, err := encodeTask(task, prior, nodeFiles(d.files, task.Node))
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), errModule, nil)
	}
	// Temporal refuses a task past its payload limit, and the workflow
	// task that schedules it fails again and again: the run would stop
	// for good. Measure it here, and fail the node instead.
	if len(payload) > maxTaskJSON && workflow.GetVersion(ctx, changeTaskBound, workflow.DefaultVersion, 1) == 1 {
		workflow.GetLogger(ctx).Warn("node inputs over the payload limit", "node", task.Node, "bytes", len(payload))
		return nil, &wireError{kind: errTooLarge, final: true, msg: inputsTooLarge(task, len(payload))}
	}
	return workflow.ExecuteActivity(actx, ActivityName, payload), nil
}

// result reads an attempt's outputs from its future, or an error whose
// text is the module's, names the worker that ran it ("" if none did),
// and gives the end of what it printed (nil if nothing, or if its worker
// is of a pipe that does not send it).
func result(ctx workflow.Context, f workflow.Future, task engine.Task) (*modules.Output, string, *OutputTail, error) {
	var res []byte
	if err := f.Get(ctx, &res); err != nil {
		var ae *temporal.ActivityError
		worker := ""
		if errors.As(err, &ae) {
			worker = ae.Identity()
		}
		nerr := nodeError(err, task)
		var w *wireError
		if errors.As(nerr, &w) && w.values != nil && workflow.GetVersion(ctx, changeTimeoutValues, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
			w.values = nil // a run started before dropped them: replayed, it decides as it did
		}
		return nil, worker, failedTail(err), nerr
	}
	var w outputWire
	if err := json.Unmarshal(res, &w); err != nil {
		return nil, "", nil, fmt.Errorf("result of %s: %w", task.Node, err)
	}
	values, err := decodeValues(w.Values)
	if err != nil {
		return nil, w.Worker, w.Output, fmt.Errorf("outputs of %s: %w", task.Node, err)
	}
	return &modules.Output{Message: w.Message, Values: values}, w.Worker, w.Output, nil
}

// failedTail reads the end of a failed attempt's output from its
// failure's details, after its outputs (see tailDetails).
func failedTail(err error) *OutputTail {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || !app.HasDetails() {
		return nil
	}
	var values json.RawMessage
	var tail *OutputTail
	if app.Details(&values, &tail) != nil {
		return nil
	}
	return tail
}

// nodeError turns an activity's failure into the error the core records:
// the module's own words, its outputs (a *modules.Error), ErrTimeout for
// the node's time-out; a refusal is never retried.
func nodeError(err error, task engine.Task) error {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		msg := app.Message()
		var values json.RawMessage
		if app.HasDetails() {
			_ = app.Details(&values)
		}
		m, _ := decodeValues(values)
		if app.Type() == errTimeout {
			// Timed out, it keeps what it gave, as in a local run: a
			// pipeline node's outputs hold its children's records.
			w := &wireError{msg: msg, kind: errTimeout, wrapped: engine.ErrTimeout}
			if m != nil {
				w.values = &modules.Error{Message: msg, Values: m}
			}
			return w
		}
		if m != nil {
			return &modules.Error{Message: msg, Values: m}
		}
		return &wireError{msg: msg, kind: app.Type(), final: app.NonRetryable()}
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_START_TO_CLOSE {
		return fmt.Errorf("%w after %s (the worker did not end it)", engine.ErrTimeout, task.Timeout)
	}
	if errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT {
		// In words, not the SDK's ids: the text is the node's message.
		return &lostError{err: err, msg: "lost: its worker stopped heartbeating (it died, hung, or lost the Temporal server)"}
	}

	if temporal.IsCanceledError(err) {
		return errors.New("cancelled")
	}
	return err
}

// wireError is a module's failure as it came over the wire.
type wireError struct {
	msg     string
	kind    string
	final   bool
	wrapped error
	// values, when set, holds the outputs a timed-out attempt gave.
	values *modules.Error
}

func (e *wireError) Error() string { return e.msg }
func (e *wireError) Unwrap() []error {
	var errs []error
	if e.wrapped != nil {
		errs = append(errs, e.wrapped)
	}
	if e.values != nil {
		errs = append(errs, e.values)
	}
	return errs
}

// lostError is an attempt lost with its worker, in words: the SDK's
// error (its ids, "activity Heartbeat timeout") is under it, not in it.
type lostError struct {
	msg string
	err error
}

func (e *lostError) Error() string { return e.msg }
func (e *lostError) Unwrap() error { return e.err }

// retryable reports whether another attempt might end otherwise.
func retryable(err error) bool {
	var w *wireError
	return !errors.As(err, &w) || !w.final
}

// isLost reports whether an attempt ended because its worker went silent
// or was stopped, or refused it for its files are not the client's:
// another worker may run it.
func isLost(err error) bool {
	var te *temporal.TimeoutError
	var w *wireError
	return errors.As(err, &te) && te.TimeoutType() == enumspb.TIMEOUT_TYPE_HEARTBEAT ||
		errors.As(err, &w) && (w.kind == errStopped || w.kind == errOtherFile)
}
