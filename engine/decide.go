package engine

import (
	"context"
	"fmt"
	"reflect"

	"github.com/expr-lang/expr"
)

// This file holds the run's decisions: which ready node runs, is
// skipped or fails before it starts, and why (the dangerous gate, the
// needs' outcomes, `when`), and what a finished node readies.

// ready is called once per selected node when its needs are done: it
// decides whether the node runs and queues it, or settles it at once.
func (r *run) ready(i int) {
	if r.opts.Schedule == Levels {
		if l := r.plan.Graph.Level(i); l > r.level {
			r.held[l] = append(r.held[l], i)
			return
		}
	}
	work := []int{i}
	for len(work) > 0 {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		if r.ctx.Err() != nil && !r.cleansUp(i) {
			r.settle(i, StatusCancelled, "not started: run "+causeText(context.Cause(r.ctx)), "")
			work = r.release(i, work) // a clean-up node below may now be ready
			continue
		}
		if r.opts.Keep != nil && r.keeps(i) {
			r.keep(i)
			work = r.release(i, work)
			continue
		}
		if status, reason, with := r.decide(i); status != "" {
			r.settle(i, status, reason, "")
			work = r.release(i, work)
		} else {
			if r.plan.nodes[i].info.Waits {
				r.freeQ = append(r.freeQ, i)
			} else {
				r.queue.push(i)
			}
			r.nodes[i].with = with
		}
	}
}

// release marks node i done and returns work with the dependents that became
// ready (in the levels schedule they may be held instead).
func (r *run) release(i int, work []int) []int {
	st := &r.nodes[i]
	st.done = true
	if r.opts.Schedule == Levels {
		r.levelDone(r.plan.Graph.Level(i))
	}
	failed := st.failedAbove || (st.rec.Status == StatusError && !r.plan.nodes[i].ContinueOnError)
	blocked := st.blockedBy
	if blocked == "" && st.rec.Status == StatusSkipped && r.plan.nodes[i].dangerous && !r.dangerOK {
		blocked = r.plan.nodes[i].ID
	}
	for _, d := range r.plan.Graph.Dependents(i) {
		ds := &r.nodes[d]
		if !ds.selected || ds.done {
			continue
		}
		ds.failedAbove = ds.failedAbove || failed
		if ds.blockedBy == "" {
			ds.blockedBy = blocked
		}
		if ds.pending--; ds.pending == 0 {
			if r.opts.Schedule == Levels && r.plan.Graph.Level(d) > r.level {
				r.held[r.plan.Graph.Level(d)] = append(r.held[r.plan.Graph.Level(d)], d)
				continue
			}
			work = append(work, d)
		}
	}
	return work
}

// levelDone counts a finished node of level l and opens the next levels
// once the open one is complete.
func (r *run) levelDone(l int) {
	r.levelLeft[l]--
	for r.level < len(r.levelLeft) && r.levelLeft[r.level] == 0 {
		r.level++
		if r.level < len(r.held) {
			held := r.held[r.level]
			r.held[r.level] = nil
			for _, i := range held {
				r.ready(i)
			}
		}
	}
}

// decide applies the safety gate, the needs' outcomes and `when` to a
// ready node. It returns a final status with its reason for a node that
// will not run, or the node's resolved inputs.
func (r *run) decide(i int) (Status, string, map[string]any) {
	pn := &r.plan.nodes[i]
	st := &r.nodes[i]
	if pn.dangerous && !r.dangerOK {
		return StatusSkipped, "dangerous module disabled: set " + DangerKey + "=true to run it", nil
	}
	if st.blockedBy != "" {
		return StatusSkipped, fmt.Sprintf("needs %s, a dangerous node that is disabled", st.blockedBy), nil
	}
	success, why := r.needsSucceeded(i)
	if pn.when == nil || !pn.when.usesStatus {
		if !success {
			return StatusSkipped, why, nil
		}
	}
	env := r.env(i, success)
	if pn.when != nil {
		out, err := expr.Run(pn.when.prog, env)
		if err != nil {
			return StatusError, fmt.Sprintf("when: %v", err), nil
		}
		if ok, _ := out.(bool); !ok {
			return StatusSkipped, "when is false: " + pn.When, nil
		}
	}
	with, err := r.inputs(i, env)
	if err != nil {
		return StatusError, err.Error(), nil
	}
	return "", "", with
}

// needsSucceeded reports whether every need of node i succeeded (an error
// under continue_on_error counts), and if not, why.
func (r *run) needsSucceeded(i int) (bool, string) {
	needs := r.plan.Graph.Needs(i)
	passed := true
	for _, j := range needs {
		passed = passed && r.nodes[j].passed
	}
	if passed {
		return true, ""
	}
	for _, j := range needs {
		rec := r.nodes[j].rec
		switch {
		case rec.Status == StatusSuccess:
		case rec.Status == StatusError && r.plan.nodes[j].ContinueOnError:
		case rec.Status == StatusError:
			return false, fmt.Sprintf("need %s failed", r.plan.nodes[j].ID)
		default:
			return false, fmt.Sprintf("need %s was %s", r.plan.nodes[j].ID, rec.Status)
		}
	}
	return true, ""
}

// env builds the expression environment of node i; nil when it has no
// expression to evaluate.
func (r *run) env(i int, success bool) any {
	pn := &r.plan.nodes[i]
	if pn.when == nil && pn.templates == nil {
		return nil
	}
	v := reflect.New(r.plan.env.typ).Elem()
	v.Field(fieldConfig).Set(r.cfgVal)
	if len(pn.refs) > 0 {
		views := make(map[string]NodeView, len(pn.refs))
		for _, j := range pn.refs {
			rec := r.nodes[j].rec
			views[r.plan.nodes[j].ID] = NodeView{Status: string(rec.Status), Message: rec.Message, Outputs: r.nodes[j].outputs}
		}
		v.Field(fieldNodes).Set(reflect.ValueOf(views))
	}
	p := r.plan.Pipeline
	v.Field(fieldPipeline).Set(reflect.ValueOf(PipelineView{Name: p.Name, Description: p.Description, File: p.Source.Name}))
	v.Field(fieldRun).Set(reflect.ValueOf(RunView{ID: r.rec.ID}))
	v.Field(fieldSuccess).Set(reflect.ValueOf(boolFunc(success)))
	v.Field(fieldFailure).Set(reflect.ValueOf(boolFunc(r.nodes[i].failedAbove)))
	v.Field(fieldAlways).Set(reflect.ValueOf(boolFunc(true)))
	v.Field(fieldCancelled).Set(reflect.ValueOf(boolFunc(r.ctx.Err() != nil)))
	return v.Interface()
}
