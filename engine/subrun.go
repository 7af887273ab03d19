package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// childrenKey carries a sub-pipeline's node records in the pipeline
// node's outputs, from its module to the core, on any executor (a
// Temporal worker sends outputs alone). It is no identifier, so no
// expression can read it; the core takes it out before anything sees the
// outputs.
const childrenKey = "/nodes"

// ChildrenKey is the output of a pipeline node's module that carries its
// sub-pipeline's node records (a JSON object of node id to NodeRecord),
// for an executor that must bound what it sends (a Temporal worker).
const ChildrenKey = childrenKey

// pipelineModule runs a sub-pipeline as one node (module: pipeline).
type pipelineModule struct {
	reg *modules.Registry
	// plan is the sub-pipeline compiled with its parent; nil on a worker,
	// which loads the file itself.
	plan *Plan
	// cacheDir and noCache are the parent run's: the sub-pipeline's
	// cached nodes use the same store. maxParallel is the parent's
	// Options.MaxParallel (pipe run --max-parallel): a bound given for the
	// run bounds its sub-pipelines too, each on its own.
	cacheDir    string
	noCache     bool
	maxParallel int
}

var _ modules.Module = (*pipelineModule)(nil)

// Run implements modules.Module: it runs the sub-pipeline to its end in
// this process, then evaluates its `outputs:`.
func (m *pipelineModule) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	file, _ := in.With["file"].(string)
	plan := m.plan
	if plan == nil {
		var err error
		if plan, err = loadSub(in.Path(file), m.reg, in.Dir, in.DirSet); err != nil {
			return nil, fmt.Errorf("pipeline %s: %w", file, err)
		}
	}
	cfg, err := subConfig(plan, in.With["set"], in.AllowDangerous)
	if err != nil {
		return nil, err
	}
	logger := in.Logger
	if logger == nil {
		logger = discard
	}
	e := &Engine{Registry: m.reg, Logger: logger, NodeLogger: func(node string) *slog.Logger { return logger.With("child", node) }}
	bound := m.maxParallel
	if own := plan.Pipeline.MaxParallel; own > 0 && (bound == 0 || own < bound) {
		bound = own // the run's bound does not loosen the child's own
	}
	opts := Options{Config: cfg, Secrets: in.Secrets, CacheDir: m.cacheDir, NoCache: m.noCache, MaxParallel: bound}
	if in.Run != nil {
		opts.RunID = in.Run.ID() + "/" + in.Node
	}
	if in.LogFile != "" {
		// A child's log goes to <run's logs>/<node>/<child>.log: `pipe
		// logs RUN node/child` finds it there.
		opts.LogDir = strings.TrimSuffix(in.LogFile, filepath.Ext(in.LogFile))
	}
	r, err := e.newRun(plan, opts)
	if err != nil {
		return nil, fmt.Errorf("pipeline %s: %w", file, err)
	}
	r.rec.StartedAt = time.Now().UTC()
	rec := r.execute(ctx)
	children, err := childValues(rec)
	if err != nil {
		return nil, err
	}
	name := plan.Pipeline.Name
	if name == "" {
		name = filepath.Base(file)
	}
	// The run's end evaluated its outputs: what they can still say (a
	// node that succeeded, another's status) goes to a parent that goes on
	// (continue_on_error) when the run failed; one that cannot be
	// evaluated is null.
	values := maps.Clone(r.outputs)
	if values == nil {
		values = make(map[string]any, 1)
	}
	values[childrenKey] = children
	if r.outputsErr != nil && r.outputsFailedRun {
		return nil, &modules.Error{Message: r.outputsErr.Error(), Values: values}
	}
	if rec.Status != StatusSuccess {
		return nil, &modules.Error{Message: fmt.Sprintf("pipeline %s %s: %s", name, rec.Status, rec.Reason), Values: values}
	}
	return &modules.Output{Message: fmt.Sprintf("pipeline %s: %s", name, statusCounts(rec)), Values: values}, nil
}

// loadSub loads a sub-pipeline file where its parent's plan was compiled
// elsewhere (a worker): without a base_dir of its own, it takes parentDir,
// the base directory its parent runs in ("" is the current directory),
// as the compile that submitted the run did: when parentSet (--base-dir
// or a base_dir chose it), or when the file is inside it.
func loadSub(path string, reg *modules.Registry, parentDir string, parentSet bool) (*Plan, error) {
	p, err := schema.Load(path)
	if p == nil {
		return nil, err
	}
	diags, _ := err.(schema.Diagnostics)
	dir, err := filepath.Abs(parentDir)
	if err != nil {
		return nil, err
	}
	by := byDefault
	if parentSet {
		by = byRun
	}
	return compileIn(p, diags, reg, "", &base{dir: dir, by: by})
}

// subConfig is the sub-pipeline's config: its defaults, overridden by the
// node's set, each typed as its default. The dangerous gate is the
// parent's: a sub-pipeline cannot open it.
func subConfig(plan *Plan, set any, allowDangerous bool) (map[string]any, error) {
	cfg := make(map[string]any, len(plan.Pipeline.Config)+1)
	for _, cv := range WithDangerKey(plan.Pipeline.Config) {
		cfg[cv.Key] = cv.Value
	}
	values, ok := set.(map[string]any)
	if !ok && set != nil {
		return nil, fmt.Errorf("set must be a map of config key to value, not %T", set)
	}
	for key, v := range values {
		def, ok := cfg[key]
		if !ok {
			return nil, fmt.Errorf("set %s: pipeline %s has no such config", key, plan.Pipeline.Name)
		}
		typed, err := setValue(def, v)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", key, err)
		}
		cfg[key] = typed
	}
	if def, ok := cfg[DangerKey]; !ok || reflect.TypeOf(def) == reflect.TypeFor[bool]() {
		cfg[DangerKey] = allowDangerous
	} else if !allowDangerous {
		cfg[DangerKey] = reflect.Zero(reflect.TypeOf(def)).Interface()
	}
	return cfg, nil
}

// childValues is a run's node records as plain JSON values, to travel in
// the pipeline node's outputs.
func childValues(rec *Record) (any, error) {
	b, err := json.Marshal(rec.Nodes)
	if err != nil {
		return nil, fmt.Errorf("the sub-pipeline's record: %w", err)
	}
	return modules.DecodeJSON(b)
}

// takeChildren takes the sub-pipeline's node records out of a pipeline
// node's outputs.
func takeChildren(outputs map[string]any) (map[string]any, map[string]*NodeRecord) {
	raw, ok := outputs[childrenKey]
	if !ok {
		return outputs, nil
	}
	rest := maps.Clone(outputs)
	delete(rest, childrenKey)
	b, err := json.Marshal(raw)
	if err != nil {
		return rest, nil
	}
	var children map[string]*NodeRecord
	if json.Unmarshal(b, &children) != nil {
		return rest, nil
	}
	return rest, children
}

// addChildren records the sub-pipeline's nodes of node or instance i
// under <id>/<child>. Called with c.mu held.
func (c *core) addChildren(i int, children map[string]*NodeRecord) {
	if len(children) == 0 {
		return
	}
	id := c.nodeID(i)
	for child, rec := range children {
		if rec != nil {
			c.rec.Nodes[id+"/"+child] = rec
		}
	}
}

// statusCounts says how rec's nodes ended: "2 success, 1 skipped" (a
// foreach node counts by its instances).
func statusCounts(rec *Record) string {
	if text := CountsText(rec.Tally()); text != "" {
		return text
	}
	return "no nodes"
}
