package temporal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// Activities runs node attempts on a worker, with the modules compiled
// into it. The worker's own gate holds: a dangerous node runs only on a
// worker started with AllowDangerous, whatever the run asked.
type Activities struct {
	Registry *modules.Registry
	// AllowDangerous lets this worker run dangerous nodes of runs that
	// enabled them (pipe worker --allow-dangerous).
	AllowDangerous bool
	// Worker names this worker in errors and results.
	Worker string
	// RunsDir is where nodes' log files go: RunsDir/<run>/<node>.log on
	// this machine; "" for none.
	RunsDir string
	// Logger gets the worker's and the modules' log lines.
	Logger *slog.Logger
	// Client, when set, lets modules read their run (web_interface's
	// page) by querying its workflow.
	Client client.Client
}

// RunNode runs one attempt of a node: the payload is an engine.Task, the
// result a node's outputs, both in pipe's JSON.
func (a *Activities) RunNode(ctx context.Context, payload []byte) ([]byte, error) {
	task, prior, files, err := decodeTask(payload)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("task does not decode on worker %s: %v", a.Worker, err), errModule, nil)
	}
	task.LogFile = ""
	if a.RunsDir != "" {
		task.LogFile = filepath.Join(a.RunsDir, task.Run, task.Node+".log")
	}
	// Each line of the worker's log names the attempt's run; the last
	// lines of the programs' output go back with the result, for the
	// client to show.
	kept := newTailKeeper(task.Secrets)
	// The worker's own lines (a failure's error) are masked as the
	// programs' output is: a node's message may hold a secret.
	log := slog.New(&tailHandler{Handler: engine.MaskingHandler(a.attemptLogger(task).Handler(), task.Secrets), k: kept})
	refuse := func(kind, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		log.Warn("node refused", "err", msg)
		return temporal.NewNonRetryableApplicationError(msg, kind, nil)
	}
	info, ok := a.Registry.Lookup(task.Module)
	if !ok {
		return nil, refuse(errNotInThis, "module %s is not in the pipe of worker %s: run workers built from the same pipe as the client", task.Module, a.Worker)
	}
	if (task.Dangerous || info.Dangerous) && !a.AllowDangerous {
		return nil, refuse(errRefused, "dangerous module disabled on worker %s: start it with --allow-dangerous to let it run dangerous nodes", a.Worker)
	}
	if err := checkFiles(task.Dir, files); err != nil {
		// Not what the client checked: another worker may have it.
		return nil, refuse(errOtherFile, "on worker %s: %v", a.Worker, err)
	}
	// The run allows dangerous code only where this worker does too (a
	// Python file that declares itself dangerous as it runs).
	runAllows := task.AllowDangerous
	task.AllowDangerous = task.AllowDangerous && a.AllowDangerous
	// An executor per attempt, for its logger.
	exec := engine.NewLocalExecutor(a.Registry, 0, func(string) *slog.Logger { return log }, a.runInfo)
	log.Info("node started", "module", task.Module)
	start := time.Now()
	stop := heartbeat(ctx)
	// A worker that stops ends its attempts at once: they run again on
	// another worker (the workflow takes them as lost, not failed).
	runCtx, stopped := context.WithCancelCause(ctx)
	defer stopped(nil)
	go func() {
		select {
		case <-activity.GetWorkerStopChannel(ctx):
			stopped(errWorkerStopped)
		case <-runCtx.Done():
		}
	}()
	if prior != nil && task.Attempt > 1 {
		// Its part of the node's log file starts here, as a local run's.
		if err := engine.MarkRetry(task.LogFile, task.Attempt, prior.Of, kept.mask.String(prior.Ended)); err != nil {
			log.Warn("cannot mark the retry in the node's log file", "file", task.LogFile, "err", err)
		}
	}
	out, err := exec.Execute(runCtx, task)
	stop()
	took := time.Since(start).Round(time.Millisecond)
	if err != nil && context.Cause(runCtx) == errWorkerStopped {
		log.Warn("node stopped with the worker: it runs again elsewhere", "in", took)
		return nil, temporal.NewApplicationError(fmt.Sprintf("worker %s stopped", a.Worker), errStopped)
	}
	var de *modules.DangerousError
	if runAllows && errors.As(err, &de) {
		// The run set ENABLE_DANGEROUS_AI; it is this worker that does
		// not allow it.
		return nil, refuse(errRefused, "dangerous module disabled on worker %s: %s; the run enables dangerous nodes, this worker does not: start it with --allow-dangerous to let it run them",
			a.Worker, de.Why)
	}
	tail := kept.tail(task.LogFile)
	if err != nil {
		log.Warn("node failed", "in", took, "err", modules.ClipMessage(err.Error()))
		return nil, a.failure(err, tail)
	}
	values, err := modules.MarshalJSON(out.Values)
	if err != nil {
		log.Warn("node failed", "in", took, "err", err)
		return nil, temporal.NewApplicationErrorWithOptions(fmt.Sprintf("outputs are not JSON: %v", err), errModule,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: tailDetails(nil, tail)})
	}
	if len(values) > maxOutputJSON && task.Module == engine.PipelineModule {
		// Its sub-pipeline's records are cut to fit, as a run's record.
		var msg string
		if values, msg, err = fitChildren(out.Values, values); msg != "" || err != nil {
			if err != nil {
				msg = err.Error()
			}
			log.Warn("node failed", "in", took, "err", msg)
			return nil, temporal.NewApplicationErrorWithOptions(msg, errTooLarge,
				temporal.ApplicationErrorOptions{NonRetryable: true, Details: tailDetails(nil, tail)})
		}
	}
	if len(values) > maxOutputJSON {
		msg := fmt.Sprintf("outputs are %s of JSON, over the %s Temporal takes in one payload: write large data to a file the next node can read (shared storage) and output its path",
			modules.Size(int64(len(values))), modules.Size(PayloadLimit))
		log.Warn("node failed", "in", took, "err", msg)
		return nil, temporal.NewApplicationErrorWithOptions(msg, errTooLarge,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: tailDetails(nil, tail)})
	}
	wire := outputWire{Message: modules.ClipMessage(out.Message), Values: values, Worker: a.Worker, Output: tail}
	res, err := json.Marshal(wire)
	if err == nil && len(res) > maxOutputJSON && tail != nil {
		// The output's tail gives way first: the node's outputs matter
		// more than what it printed, which its log file keeps.
		wire.Output = tail.withoutLines()
		res, err = json.Marshal(wire)
	}
	if err == nil && len(res) > maxOutputJSON {
		// Its message is the rest.
		msg := fmt.Sprintf("its message and outputs are %s of JSON (message %s), over the %s Temporal takes in one payload: %s",
			modules.Size(int64(len(res))), modules.Size(int64(len(out.Message))), modules.Size(PayloadLimit), tooLargeAdvice)
		log.Warn("node failed", "in", took, "err", msg)
		return nil, temporal.NewApplicationErrorWithOptions(msg, errTooLarge,
			temporal.ApplicationErrorOptions{NonRetryable: true, Details: tailDetails(nil, tail)})
	}
	log.Info("node done", "in", took)
	return res, err
}

// tailDetails returns the details of a failed attempt: its outputs (JSON
// or nil) and then, if it printed anything, the tail of its output. The
// outputs stay first, where a workflow of an earlier pipe reads them (it
// takes no more details than it asks for); the tail is left out when the
// two would be over the payload limit.
func tailDetails(values json.RawMessage, tail *OutputTail) []any {
	if tail == nil {
		if values == nil {
			return nil
		}
		return []any{values}
	}
	if b, err := json.Marshal(tail); err != nil || len(values)+len(b) > maxOutputJSON {
		tail = tail.withoutLines()
	}
	return []any{values, tail}
}

// failure turns a module's error into the activity's: its words, the
// worker's name, its outputs and the tail of its output as details, and
// whether to retry.
func (a *Activities) failure(err error, tail *OutputTail) error {
	kind, final := errModule, false
	switch {
	case errors.Is(err, engine.ErrTimeout):
		kind = errTimeout
	case errors.Is(err, modules.ErrTooLarge):
		kind, final = errTooLarge, true
	}
	opts := temporal.ApplicationErrorOptions{NonRetryable: final}
	var me *modules.Error
	var values json.RawMessage
	if errors.As(err, &me) && me.Values != nil {
		v, merr := modules.MarshalJSON(me.Values)
		if merr == nil && len(v) > maxOutputJSON {
			// A failed pipeline node keeps its sub-pipeline's records,
			// cut to fit.
			v, _, merr = fitChildren(me.Values, v)
		}
		if merr == nil && len(v) <= maxOutputJSON {
			values = v
		}
	}
	opts.Details = tailDetails(values, tail)
	// A failure over the server's bounds is refused, and the node would
	// come back as lost with its worker: the message is bounded, as a
	// local run's is.
	text := modules.ClipMessage(err.Error())
	msg := fmt.Sprintf("on worker %s: %s", a.Worker, text)
	if kind == errTimeout {
		// It reads as a local run's, first; the worker after.
		msg = fmt.Sprintf("%s (on worker %s)", text, a.Worker)
	}
	return temporal.NewApplicationErrorWithOptions(msg, kind, opts)
}

// errWorkerStopped is why an attempt ends when its worker stops.
var errWorkerStopped = errors.New("the worker stopped")

// heartbeatEvery is how often a running node tells Temporal it is alive
// (at most): a cancel of the run reaches it in the answer, so this bounds
// how long a Ctrl-C or a pipeline's time-out takes to stop its program.
// It costs one call to the server a second per running node.
const heartbeatEvery = time.Second

// heartbeat tells Temporal the attempt is alive until stop is called;
// a cancel of the run reaches ctx through the heartbeat's answer.
func heartbeat(ctx context.Context) (stop func()) {
	every := activity.GetInfo(ctx).HeartbeatTimeout / 4
	if every <= 0 {
		return func() {}
	}
	every = min(max(every, 100*time.Millisecond), heartbeatEvery)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// runInfo is what a module on a worker sees of its run: the run is a
// workflow, read by query.
func (a *Activities) runInfo(run, pipeline string) modules.RunInfo {
	return &remoteRun{client: a.Client, registry: a.Registry, id: run, pipeline: pipeline}
}

type remoteRun struct {
	client   client.Client
	registry *modules.Registry
	id       string
	pipeline string
}

func (r *remoteRun) ID() string       { return r.id }
func (r *remoteRun) Pipeline() string { return r.pipeline }

// queryTimeout bounds a module's read of its run.
const queryTimeout = 10 * time.Second

func (r *remoteRun) Snapshot() ([]byte, error) {
	if r.client == nil {
		return nil, errors.New("this worker has no client to read its run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	return queryRecord(ctx, r.client, r.id)
}

func (r *remoteRun) Graph() ([]byte, error) {
	if r.client == nil {
		return nil, errors.New("this worker has no client to read its run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	val, err := r.client.QueryWorkflow(ctx, r.id, "", QuerySource)
	if err != nil {
		return nil, err
	}
	var src RunInput
	if err := val.Get(&src); err != nil {
		return nil, err
	}
	plan, err := engine.ParseRemote(src.File, src.Source, r.registry, src.Declared)
	if err != nil {
		return nil, err
	}
	b, err := queryRecord(ctx, r.client, r.id)
	if err != nil {
		return nil, err
	}
	var rec engine.Record
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = engine.WriteDOT(&buf, plan, &rec)
	return buf.Bytes(), err
}

// queryRecord returns run id's record as it stands, as JSON.
func queryRecord(ctx context.Context, c client.Client, id string) ([]byte, error) {
	val, err := c.QueryWorkflow(ctx, id, "", QueryRecord)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = val.Get(&b)
	return b, err
}
