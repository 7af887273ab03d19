package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// This file holds how a node's and the run's final states are recorded.

// finish records a node goroutine's result and readies its dependents.
func (r *run) finish(res nodeResult, ctx context.Context) {
	i := res.i
	pn := &r.plan.nodes[i]
	if !pn.info.Waits {
		r.slots--
	}
	st := &r.nodes[i]
	status, reason, message, outputs := StatusSuccess, "", res.message, res.outputs
	if res.err != nil {
		status = StatusError
		switch {
		case ctx.Err() != nil && (!st.cleanup || r.hurried) && !errors.Is(res.err, ErrTimeout):
			status, reason = StatusCancelled, "cancelled while running: "+context.Cause(ctx).Error()
		case pn.ContinueOnError:
			reason = "failed; continue_on_error lets the run go on"
		default:
			reason = "failed"
			if res.attempts > 1 {
				reason = fmt.Sprintf("failed after %d attempts", res.attempts)
			}
		}
	}
	r.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, r.redact.String(reason), message
	// The record holds what JSON can carry, secrets masked; expressions
	// below see the outputs as the module gave them (a NaN stays a number).
	st.rec.Outputs, st.rec.Inputs = res.recOutputs, res.recWith
	st.passed = status == StatusSuccess || (status == StatusError && pn.ContinueOnError)
	st.rec.Attempts = res.attempts
	if res.out != nil && res.out.CachedFrom != "" {
		st.rec.CachedFrom, st.rec.Reason = res.out.CachedFrom, cachedReason(res.out.CachedFrom)
	}
	st.rec.StartedAt, st.rec.FinishedAt = res.started.UTC(), res.finished.UTC()
	st.rec.DurationMS = res.finished.Sub(res.started).Milliseconds()
	r.mu.Unlock()
	st.outputs = outputs
	r.logResult(i)
	r.emit(NodeFinished, i)
	for _, d := range r.release(i, nil) {
		r.ready(d)
	}
}

// prepare works out, on the node's goroutine and before the scheduler's
// lock is taken, what finish records: the message and outputs, and their
// forms for the record (JSON-safe, secrets masked, inputs cut).
func (r *run) prepare(res *nodeResult) {
	if res.out != nil {
		res.message, res.outputs = res.out.Message, res.out.Values
	}
	if res.err != nil {
		res.message = res.err.Error()
		var ne *NodeError
		if errors.As(res.err, &ne) {
			res.message = ne.Err.Error()
		}
		var me *modules.Error
		if errors.As(res.err, &me) {
			res.outputs = me.Values
		}
	}
	res.message = r.redact.String(res.message)
	res.recOutputs = r.redact.Map(jsonSafe(res.outputs))
	res.recWith = recordedInputs(r.redact.Map(jsonSafe(res.with)))
}

// settle gives a node that will not run its final state.
func (r *run) settle(i int, status Status, reason, message string) {
	st := &r.nodes[i]
	now := time.Now().UTC()
	reason, message = r.redact.String(reason), r.redact.String(message)
	r.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, reason, message
	st.rec.Outputs = nil
	st.passed = status == StatusError && r.plan.nodes[i].ContinueOnError
	if status == StatusError {
		st.rec.Message = reason
		st.rec.StartedAt, st.rec.FinishedAt = now, now
	}
	r.mu.Unlock()
	r.logResult(i)
	r.emit(NodeFinished, i)
}

// close settles the run's status.
func (r *run) close(ctx context.Context) *Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := r.rec
	rec.FinishedAt = time.Now().UTC()
	rec.DurationMS = rec.FinishedAt.Sub(rec.StartedAt).Milliseconds()
	rec.Status = StatusSuccess
	failed, cancelled := 0, 0
	for i := range r.nodes {
		switch r.nodes[i].rec.Status {
		case StatusError:
			if !r.plan.nodes[i].ContinueOnError {
				failed++
			}
		case StatusCancelled:
			cancelled++
		}
	}
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, ErrPipelineTimeout):
		rec.Status, rec.Reason = StatusError, cause.Error()
	case cancelled > 0 && ctx.Err() != nil:
		rec.Status, rec.Reason = StatusCancelled, "run "+causeText(cause)
	case failed > 0:
		rec.Status, rec.Reason = StatusError, fmt.Sprintf("%d node(s) failed", failed)
	}
	return rec
}

// Snapshot returns a copy of the record as it stands, safe to read while
// the run goes on.
func (r *run) snapshot() *Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	cp := *r.rec
	cp.Nodes = make(map[string]*NodeRecord, len(r.rec.Nodes))
	for id, n := range r.rec.Nodes {
		nc := *n
		cp.Nodes[id] = &nc
	}
	return &cp
}

// recordedConfig is the run's config as its record shows it: secrets as
// ***, non-finite numbers as text, with where each value came from.
func (r *run) recordedConfig() map[string]ConfigValue {
	if len(r.plan.Pipeline.Config) == 0 {
		return nil
	}
	out := make(map[string]ConfigValue, len(r.plan.Pipeline.Config))
	for _, c := range r.plan.Pipeline.Config {
		from := r.opts.ConfigFrom[c.Key]
		if from == "" {
			from = "default"
		}
		v := modules.JSONSafe(r.config[c.Key])
		if r.plan.Pipeline.IsSecret(c.Key) && v != nil && v != "" {
			v = Masked
		}
		out[c.Key] = ConfigValue{Value: v, From: from}
	}
	return out
}

// keeps reports whether node i keeps its outputs from the earlier run: it
// succeeded there, every node it needs was kept, and the dangerous gate
// would let it run.
func (r *run) keeps(i int) bool {
	if _, ok := r.opts.Keep[r.plan.nodes[i].ID]; !ok {
		return false
	}
	if r.plan.nodes[i].dangerous && !r.dangerOK {
		return false
	}
	for _, j := range r.plan.Graph.Needs(i) {
		if !r.nodes[j].kept {
			return false
		}
	}
	return true
}

// keep settles node i with what it left in the earlier run.
func (r *run) keep(i int) {
	st := &r.nodes[i]
	k := r.opts.Keep[r.plan.nodes[i].ID]
	r.mu.Lock()
	st.rec.Status, st.rec.Message = StatusSuccess, r.redact.String(k.Message)
	st.rec.Reason = "kept from run " + r.opts.KeptFrom
	st.rec.Outputs = r.redact.Map(jsonSafe(k.Outputs))
	r.mu.Unlock()
	st.outputs, st.passed, st.kept = k.Outputs, true, true
	r.logResult(i)
	r.emit(NodeFinished, i)
}

// The record says what a node ran with; it is not a copy of its data:
// texts over maxRecordedInput bytes and lists over maxRecordedItems items
// are cut, and say how long they were.
const (
	maxRecordedInput = 1 << 10
	maxRecordedItems = 20
)

// recordedInputs returns with, cut for the record; with itself when
// nothing needs cutting (the common case allocates nothing).
func recordedInputs(with map[string]any) map[string]any {
	if len(with) == 0 {
		return nil
	}
	if !needsCut(with) {
		return with
	}
	return cutValue(with).(map[string]any)
}

func needsCut(v any) bool {
	switch x := v.(type) {
	case string:
		return len(x) > maxRecordedInput
	case []any:
		if len(x) > maxRecordedItems {
			return true
		}
		return slices.ContainsFunc(x, needsCut)
	case map[string]any:
		for _, item := range x {
			if needsCut(item) {
				return true
			}
		}
	default: // a list of another type, as expressions make ([]int of 1..100)
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
			return rv.Len() > maxRecordedItems
		}
	}
	return false
}

func cutValue(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > maxRecordedInput {
			return fmt.Sprintf("%s... (%d bytes)", strings.ToValidUTF8(x[:maxRecordedInput], ""), len(x))
		}
	case []any:
		n := min(len(x), maxRecordedItems)
		out := make([]any, n, n+1)
		for i := range n {
			out[i] = cutValue(x[i])
		}
		if len(x) > n {
			out = append(out, fmt.Sprintf("... (%d items)", len(x)))
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = cutValue(item)
		}
		return out
	default:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() > maxRecordedItems {
			out := make([]any, maxRecordedItems, maxRecordedItems+1)
			for i := range maxRecordedItems {
				out[i] = rv.Index(i).Interface()
			}
			return append(out, fmt.Sprintf("... (%d items)", rv.Len()))
		}
	}
	return v
}
