package engine

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pipe-run/pipe/modules"
)

// This file holds how a node's and the run's final states are recorded.

// finish records a node goroutine's result and readies its dependents.
func (c *core) finish(res nodeResult) {
	i := res.i
	pn := c.pn(i)
	st := &c.nodes[i]
	if !pn.info.Waits && st.backoff == attempting { // holdsSlot, pn at hand
		c.slots--
	}
	// A node that ends between two attempts was cancelled while it waited
	// to retry, whoever drives it (its driver ends it only then).
	retryWait := res.retryWait || st.backoff != attempting
	st.backoff = attempting
	c.chargeOutputs(&res)
	status, reason, message, outputs := StatusSuccess, "", res.message, res.outputs
	if res.err != nil {
		status = StatusError
		switch {
		// A time-out of the attempt itself is a failure, not the cancel's
		// doing; a node that waited to retry after one was cancelled.
		case c.cause != nil && (!st.cleanup || c.hurried) && (retryWait || !errors.Is(res.err, ErrTimeout)):
			status, reason = StatusCancelled, "cancelled while running: "+c.cause.Error()
			if retryWait {
				reason = fmt.Sprintf("cancelled while waiting to retry (attempt %d failed): %v", res.attempts, c.cause)
			}
		case pn.continueOnError:
			reason = "" // tolerate says it, after the masking below
		default:
			reason = "failed"
			if res.attempts > 1 {
				reason = fmt.Sprintf("failed after %d attempts", res.attempts)
			}
			if res.reason != "" {
				reason = res.reason
			}
		}
	}
	c.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, c.redact.String(reason), message
	if status == StatusError && pn.continueOnError {
		st.rec.Reason = tolerate(st.rec.Reason)
	}
	// The record holds what JSON can carry, secrets masked; expressions
	// below see the outputs as the module gave them (a NaN stays a number).
	st.rec.Outputs, st.rec.Inputs = res.recOutputs, res.recWith
	st.rec.Resume = res.recResume
	st.passed = status == StatusSuccess || (status == StatusError && pn.continueOnError)
	st.rec.Attempts = res.attempts
	if status == StatusSuccess && reason == "" && c.notKept != nil {
		st.rec.Reason = c.notKept[i] // it ran again: why
	}
	if res.out != nil && res.out.CachedFrom != "" {
		st.rec.CachedFrom, st.rec.Reason = res.out.CachedFrom, cachedReason(res.out.CachedFrom)
	}
	if status == StatusSuccess {
		if res.cacheKey != "" {
			st.rec.resume().CacheKey = res.cacheKey
		}
		if res.files != nil {
			st.rec.resume().Files = c.redact.Keys(res.files) // a secret may name a file
		}
		if d := c.itemDigest(i); d != "" {
			st.rec.resume().Item = d
		}
		st.rec.Definition = c.definition(i)
	}
	st.rec.StartedAt, st.rec.FinishedAt = res.started.UTC(), res.finished.UTC()
	st.rec.DurationMS = res.finished.Sub(res.started).Milliseconds()
	c.addChildren(i, res.children)
	c.mu.Unlock()
	st.outputs = outputs
	c.logResult(i)
	c.emit(NodeFinished, i)
	below := c.release(i, c.releaseBuf[:0])
	c.releaseBuf = nil // ready may release again, into a buffer of its own
	for _, d := range below {
		c.ready(d)
	}
	c.releaseBuf = below[:0]
}

// prepare works out, on the node's goroutine and before the scheduler's
// lock is taken, what finish records: the message and outputs, and their
// forms for the record (JSON-safe, secrets masked, inputs cut).
func (c *core) prepare(res *nodeResult) {
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
	res.size = valuesSize(res.outputs)           // the sub-pipeline's records too: the record holds them
	if c.pn(res.i).info.Name == PipelineModule { // no other module can forge records
		res.outputs, res.children = takeChildren(res.outputs)
	}
	res.message = c.clipMessage(c.redact.String(res.message))
	res.recOutputs, res.recResume = c.recordOutputs(res.outputs)
	res.recWith = cutDeepMap(recordedInputs(c.redact.Map(jsonSafe(res.with))))
}

// chargeOutputs counts a node's outputs against the run's limit for
// values. Outputs that would cross it are dropped, and the node fails (a
// failed node keeps its own message, which says why after it): another
// attempt would give the same, so none is made.
func (c *core) chargeOutputs(res *nodeResult) {
	err := c.charge(res.i, res.size, false)
	if err == nil || !c.adopts(ChangeRunValuesBound) {
		return
	}
	c.log.Debug("outputs over the run's limit for values", "node", c.nodeID(res.i), "err", err)
	res.outputs, res.recOutputs, res.recResume = nil, nil, nil
	for _, child := range res.children {
		if child != nil {
			child.Outputs = nil
		}
	}
	if res.err != nil {
		res.message = modules.ClipMessage(res.message + "; its outputs were dropped: " + err.Error())
		return
	}
	res.err, res.message = err, err.Error()
	if res.attempts > 1 {
		// Its last attempt succeeded: "failed after N attempts" would mislead.
		res.reason = fmt.Sprintf("failed on attempt %d: outputs over the run's limit for values", res.attempts)
	}
}

// settle gives a node that will not run its final state.
func (c *core) settle(i int, status Status, reason, message string) {
	st := &c.nodes[i]
	now := c.now().UTC()
	reason, message = c.redact.String(reason), c.redact.String(message)
	c.mu.Lock()
	st.rec.Status, st.rec.Reason, st.rec.Message = status, reason, message
	st.rec.Outputs = nil
	st.passed = status == StatusError && c.pn(i).continueOnError
	if status == StatusError {
		st.rec.Message = reason
		st.rec.StartedAt, st.rec.FinishedAt = now, now
	}
	if st.passed { // a failure to start (its when, its inputs) is tolerated too
		st.rec.Reason = tolerate(reason)
	}
	c.mu.Unlock()
	c.logResult(i)
	c.emit(NodeFinished, i)
}

// close settles the run's status.
func (c *core) close() *Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	rec := c.rec
	rec.FinishedAt = c.now().UTC()
	rec.DurationMS = rec.FinishedAt.Sub(rec.StartedAt).Milliseconds()
	rec.Status = StatusSuccess
	failed, cancelled := 0, 0
	for i := range c.plan.nodes { // a foreach node stands for its instances
		switch c.nodes[i].rec.Status {
		case StatusError:
			if !c.plan.nodes[i].continueOnError {
				failed++
			}
		case StatusCancelled:
			cancelled++
		}
	}
	switch {
	case errors.Is(c.cause, ErrPipelineTimeout):
		rec.Status, rec.Reason = StatusError, c.cause.Error()
	case cancelled > 0 && c.cause != nil:
		rec.Status, rec.Reason = StatusCancelled, "run "+causeText(c.cause)
	case failed > 0:
		rec.Status, rec.Reason = StatusError, fmt.Sprintf("%d node(s) failed", failed)
	}
	return rec
}

// Snapshot returns a copy of the record as it stands, safe to read while
// the run goes on.
func (c *core) snapshot() *Record {
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := *c.rec
	cp.Nodes = make(map[string]*NodeRecord, len(c.rec.Nodes))
	for id, n := range c.rec.Nodes {
		nc := *n
		cp.Nodes[id] = &nc
	}
	return &cp
}

// recordedConfig is the run's config as its record shows it: secrets as
// ***, non-finite numbers as text, with where each value came from.
func (c *core) recordedConfig() map[string]ConfigValue {
	keys := c.plan.Pipeline.ConfigKeys()
	if v, set := c.config[DangerKey]; set && v != nil && !slices.Contains(keys, DangerKey) {
		keys = append(keys, DangerKey) // set, though the pipeline does not declare it
	}
	if len(keys) == 0 {
		return nil
	}
	out := make(map[string]ConfigValue, len(keys))
	for _, key := range keys {
		from := c.opts.ConfigFrom[key]
		if from == "" {
			from = "default"
		}
		v := modules.JSONSafe(c.config[key])
		if c.plan.Pipeline.IsSecret(key) && v != nil && v != "" {
			v = Masked
		} else if text, ok := v.(string); ok {
			// A value holding a secret (a connection string with a
			// token in it) shows it as every output does: ***.
			v = c.redact.String(text)
		}
		out[key] = ConfigValue{Value: v, From: from}
	}
	return out
}

// keeps reports whether node i keeps its outputs from the earlier run: it
// succeeded there, every node it needs was kept, the dangerous gate
// would let it run; and the record gives back its outputs as the node
// gave them, and it and what it reads are the same (whyNotKept). A node
// that succeeded but is not kept says why it runs again (notKeeping).
func (c *core) keeps(i int) bool {
	k, ok := c.opts.Keep[c.plan.nodes[i].id]
	if !ok {
		return false
	}
	if c.plan.nodes[i].dangerous && !c.dangerOK {
		return false
	}
	for _, j := range c.plan.Graph.Needs(i) {
		if !c.nodes[j].kept {
			why := c.whyStale(i, k) // the more telling, when there is one
			if why == "" {
				why = "its need " + c.plan.nodes[j].id + " was not kept"
			}
			c.notKeeping(i, why)
			return false
		}
	}
	if why := c.whyNotKept(i, k); why != "" {
		c.notKeeping(i, why)
		return false
	}
	return true
}

// maskedRecords copies records of an earlier run with this run's secrets
// masked: a key may be secret now that was not then.
func (c *core) maskedRecords(recs map[string]*NodeRecord) map[string]*NodeRecord {
	if c.redact == nil || len(recs) == 0 {
		return recs
	}
	out := make(map[string]*NodeRecord, len(recs))
	for id, r := range recs {
		if r == nil {
			continue
		}
		cp := *r
		cp.Message, cp.Reason = c.redact.String(cp.Message), c.redact.String(cp.Reason)
		cp.Inputs, cp.Outputs = c.redact.Map(cp.Inputs), c.redact.Map(cp.Outputs)
		if !sameMap(cp.Outputs, r.Outputs) {
			info := ResumeInfo{}
			if r.Resume != nil {
				info = *r.Resume
			}
			info.OutputsMasked = true
			cp.Resume = &info
		}
		out[id] = &cp
	}
	return out
}

// KeptPrefix starts the reason of a node kept by --resume, before the id
// of the run it was kept from.
const KeptPrefix = "kept from run "

// keep settles node i with what it left in the earlier run.
func (c *core) keep(i int) {
	st := &c.nodes[i]
	k := c.opts.Keep[c.nodeID(i)]
	c.mu.Lock()
	st.rec.Status, st.rec.Message = StatusSuccess, c.redact.String(k.Message)
	st.rec.Reason = KeptPrefix + c.opts.KeptFrom
	st.rec.Outputs, st.rec.Resume = c.recordOutputs(k.Outputs)
	if k.CacheKey != "" {
		st.rec.resume().CacheKey = k.CacheKey
	}
	if k.Files != nil {
		st.rec.resume().Files = k.Files
	}
	if k.Item != "" {
		st.rec.resume().Item = k.Item
	}
	// The definition that made the outputs: a node kept by --force may
	// be another now (one kept otherwise is the same), and one of a record
	// that has none (an earlier pipe's) holds none, unless the file is
	// the one that ran.
	switch {
	case k.Definition != "":
		st.rec.Definition = k.Definition
	case !k.Forced:
		st.rec.Definition = c.definition(i)
	}
	c.addChildren(i, c.maskedRecords(k.Children))
	c.mu.Unlock()
	st.outputs, st.passed, st.kept = k.Outputs, true, true
	c.charge(i, valuesSize(k.Outputs), true) // held all the same: counted for the nodes that run
	c.logResult(i)
	c.emit(NodeFinished, i)
}
