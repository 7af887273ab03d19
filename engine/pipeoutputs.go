package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"

	"github.com/pipe-run/pipe/modules"
)

// evalOutputs evaluates, as the run ends, the pipeline's own `outputs:`:
// what a parent's pipeline node gets, and what a run of the file alone
// records and shows. An output that cannot be evaluated fails a run whose
// nodes all succeeded, as it fails the node of a parent. A pipeline
// without outputs pays one length check.
func (c *core) evalOutputs(rec *Record) {
	if len(c.plan.Pipeline.Outputs) == 0 {
		return
	}
	c.outputs, c.outputsErr = c.outputValues()
	c.mu.Lock()
	defer c.mu.Unlock()
	rec.Outputs = c.redact.Map(jsonSafe(c.outputs))
	if c.outputsErr != nil && rec.Status == StatusSuccess {
		rec.Status, rec.Reason = StatusError, c.redact.String(c.outputsErr.Error())
		c.outputsFailedRun = true
	}
}

// outputValues evaluates the plan's `outputs:` once every node has ended:
// they see every node, as a node that needs them all would. Each that
// fails is null, and the failures are the error: a run that failed
// still gives what its outputs can say (a node that succeeded, another's
// status) to a parent that goes on (continue_on_error).
func (c *core) outputValues() (map[string]any, error) {
	values := make(map[string]any, len(c.plan.Pipeline.Outputs)+1)
	if len(c.plan.Pipeline.Outputs) == 0 {
		return values, nil
	}
	all := make([]int, len(c.plan.nodes))
	for j := range all {
		all[j] = j
	}
	v := c.envOf(all)
	pl := c.plan.Pipeline
	for _, f := range []int{fieldSuccess, fieldAlways} {
		v.Field(f).Set(reflect.ValueOf(boolFunc(true)))
	}
	for _, f := range []int{fieldFailure, fieldCancelled} {
		v.Field(f).Set(reflect.ValueOf(boolFunc(false)))
	}
	env := v.Addr().Interface()
	holder := &planNode{templates: c.plan.outputs}
	var errs []error // each output's, at its place in the file
	name := pl.Name
	if name == "" && pl.Source != nil {
		name = filepath.Base(pl.Source.Name)
	}
	for _, o := range pl.Outputs {
		out, err := c.resolve(holder, o.Value, env, false)
		if err != nil {
			var placed *exprRunError
			if errors.As(err, &placed) {
				err = fmt.Errorf("%soutput %s of pipeline %s: %s", placed.where, o.Key, name, placed.what)
			} else {
				err = fmt.Errorf("output %s of pipeline %s: %w", o.Key, name, err)
			}
			errs = append(errs, err)
		}
		values[o.Key] = out // nil when it failed
	}
	if err := checkSize(&modules.Output{Values: values}); err != nil {
		// As a parent's node would fail; and a run's record of
		// hundreds of MB would make every history command slow.
		errs = append(errs, fmt.Errorf("pipeline %s: %w", name, err))
		for k := range values {
			values[k] = nil
		}
	}
	return values, oneLine(errors.Join(errs...))
}
