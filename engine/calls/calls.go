// Package calls runs Python modules in the shape of the seed's
// ModuleExecutor, without a pipeline file:
//
//	ModuleExecutor(base_dir=..., config={...})
//	await executor.execute_modules([('prediction/sports_predictor.py', 'main', [], {}), ...])
//
// becomes an Executor and its Execute, which returns each module's
// status, message and outputs. It builds a plan of python nodes in code
// and runs it with the engine, so everything a pipeline gets holds here
// too: needs, parallelism, time-outs, the dangerous gate (a module's own
// PIPE_DANGEROUS = True included), the config in modules' environment.
// The python module must be registered: import
// _ "github.com/pipe-run/pipe/modules/all".
package calls

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// Call is one module to run: the seed's (path, function, args, kwargs)
// tuple, with the modules it needs.
type Call struct {
	// ID names the module in the results and in other calls' Needs;
	// default the file's name without .py (sports_predictor for
	// prediction/sports_predictor.py), followed by _function when the
	// function is not main.
	ID string
	// Path is the Python file, relative to the executor's BaseDir.
	Path string
	// Function is the function to call; default main.
	Function string
	Args     []any
	Kwargs   map[string]any
	// Needs are the IDs of calls that must succeed first.
	Needs []string
	// Dangerous gates the call as ENABLE_DANGEROUS_AI says, as a file
	// that declares PIPE_DANGEROUS = True is gated anyway.
	Dangerous bool
	// Timeout bounds the call; 0 for none.
	Timeout time.Duration
}

// Result is what a call came to, as the seed's executor reported it.
type Result struct {
	// Status is success, error, skipped or cancelled.
	Status string
	// Message is the module's message, or why it failed or was skipped.
	Message string
	// Outputs are the keys of the returned dict other than status and
	// message (result holds a value that is not a dict).
	Outputs map[string]any
}

// Executor runs calls. Its zero value runs them in the current directory
// with the default registry and no config.
type Executor struct {
	// BaseDir is where paths resolve and modules run; "" is the current
	// directory.
	BaseDir string
	// Config holds config values (bool, int, float64, string):
	// ENABLE_DANGEROUS_AI opens the dangerous gate, and every key reaches
	// the modules' environment, where the seed's modules read settings.
	Config map[string]any
	// Python is the interpreter, a name in PATH or a path; default python3.
	Python string
	// MaxParallel bounds how many calls run at once; 0 is the number of CPUs.
	MaxParallel int
	// Engine runs the plan; nil is engine.New(modules.Default).
	Engine *engine.Engine
}

// Plan builds the plan Execute runs: a python node per call.
func (x *Executor) Plan(calls []Call) (*engine.Plan, error) {
	p := &schema.Pipeline{Name: "modules", BaseDir: x.BaseDir}
	keys := make([]string, 0, len(x.Config))
	for k := range x.Config {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := plain(x.Config[k])
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", k, err)
		}
		switch v.(type) {
		case nil, bool, int, float64, string:
		default:
			return nil, fmt.Errorf("config %s: want a bool, a number or a string, not %s", k, modules.Describe(x.Config[k]))
		}
		p.Config = append(p.Config, schema.ConfigVar{Key: k, Value: v})
	}
	for i, c := range calls {
		if c.Path == "" {
			return nil, fmt.Errorf("call %d: no path", i)
		}
		id := c.ID
		if id == "" {
			id = DefaultID(c.Path, c.Function)
		}
		with := []schema.Input{{Key: "path", Value: c.Path}}
		if c.Function != "" {
			with = append(with, schema.Input{Key: "function", Value: c.Function})
		}
		if x.Python != "" {
			with = append(with, schema.Input{Key: "python", Value: x.Python})
		}
		if c.Args != nil {
			v, err := plain(c.Args)
			if err != nil {
				return nil, fmt.Errorf("call %s: args: %w", id, err)
			}
			with = append(with, schema.Input{Key: "args", Value: v})
		}
		if c.Kwargs != nil {
			v, err := plain(c.Kwargs)
			if err != nil {
				return nil, fmt.Errorf("call %s: kwargs: %w", id, err)
			}
			with = append(with, schema.Input{Key: "kwargs", Value: v})
		}
		n := &schema.Node{ID: id, Module: "python", With: with, Dangerous: c.Dangerous, Timeout: c.Timeout}
		for _, need := range c.Needs {
			n.Needs = append(n.Needs, schema.Ref{ID: need})
		}
		p.Nodes = append(p.Nodes, n)
	}
	reg := x.engine().Registry
	if _, ok := reg.Lookup("python"); !ok {
		return nil, errors.New(`the python module is not registered: import _ "github.com/pipe-run/pipe/modules/all"`)
	}
	plan, diags := engine.Compile(p, reg)
	if len(diags) > 0 {
		return nil, diags
	}
	return plan, nil
}

// Execute runs calls, independent ones at once, and returns each one's
// result by ID. It returns once every call has ended: there is nothing to
// shut down. The error is for calls that could not start (a bad call, an
// unknown need); a call's failure is in its Result.
func (x *Executor) Execute(ctx context.Context, calls []Call) (map[string]Result, error) {
	plan, err := x.Plan(calls)
	if err != nil {
		return nil, err
	}
	rec, err := x.engine().Run(ctx, plan, engine.Options{MaxParallel: x.MaxParallel})
	if err != nil {
		return nil, err
	}
	out := make(map[string]Result, len(rec.Nodes))
	for id, n := range rec.Nodes {
		msg := n.Message
		if msg == "" && n.Status != engine.StatusSuccess {
			msg = n.Reason
		}
		out[id] = Result{Status: string(n.Status), Message: msg, Outputs: n.Outputs}
	}
	return out, nil
}

func (x *Executor) engine() *engine.Engine {
	if x.Engine != nil {
		return x.Engine
	}
	return engine.New(modules.Default)
}

// DefaultID is a call's ID when it sets none: the file's name without
// its extension, and _function when the function is not main.
func DefaultID(path, function string) string {
	id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	if function != "" && function != "main" {
		id += "_" + function
	}
	return id
}

// plain turns Go values into the plain JSON values a plan holds (a []string
// becomes a []any), keeping NaN a number.
func plain(v any) (any, error) {
	b, err := modules.MarshalPythonJSON(v)
	if err != nil {
		return nil, err
	}
	return modules.DecodeJSON(b)
}
