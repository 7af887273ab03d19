// Package python is the python module: it loads a Python file at run time
// and calls a function in it, the way the seed's executor ran
// ('prediction/sports_predictor.py', 'main', [], {}). Seed-style modules run
// unchanged.
package python

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/proc"
)

//go:embed runner.py
var runner string

func init() {
	modules.Register(modules.Info{
		Name: "python",
		Description: "Loads a Python file and calls `function` (default main) with args and kwargs. A returned dict follows the " +
			"seed's contract: status error fails the node with its message, other keys are outputs; an exception fails the node. " +
			"A file with a top-level PIPE_DANGEROUS = True (any value but False, 0, None or \"\"; or a `# pipe: dangerous` comment near its top) is dangerous, read before any of it runs.",
		ProgramEnv: true,
		Inputs: []modules.Field{
			{Name: "path", Type: modules.String, Required: true, Exists: true, Files: true, Description: "the Python file (relative to the base directory)", Example: "prediction/sports_predictor.py",
				Rule: pyFile},
			{Name: "function", Type: modules.String, Default: "main", Description: "the function to call"},
			{Name: "args", Type: modules.List, Description: "positional arguments (JSON values)"},
			{Name: "kwargs", Type: modules.Map, Description: "keyword arguments (JSON values)"},
			{Name: "python", Type: modules.String, Default: "python3", Description: "the interpreter: a name looked up in PATH, or a path (/usr/bin/python3 for Debian's packages)"},
		},
		Outputs: []modules.Field{
			{Name: "*", Type: modules.Any, Description: "the keys of the returned dict other than status and message"},
			{Name: "result", Type: modules.Any, Description: "the return value, when it is not a dict"},
		},
		Inspect: inspect,
		New:     func() modules.Module { return Python{} },
	})
}

// pyFile is the rule of path: Python loads modules from .py files only
// (another name failed in pipe's runner with an AttributeError).
func pyFile(v any) error {
	if s, ok := v.(string); ok && s != "" && !strings.HasSuffix(s, ".py") {
		return fmt.Errorf("%q is not a .py file: Python loads a module from a file named NAME.py", s)
	}
	return nil
}

// Python calls a function in a Python file.
type Python struct{}

var _ modules.Module = Python{}

type result struct {
	OK     bool
	Error  string
	Result any
}

// decodeResult reads the runner's answer. Python's json module writes NaN
// and Infinity as bare tokens; DecodeJSON reads them as numbers.
func decodeResult(data []byte) (result, error) {
	v, err := modules.DecodeJSON(data)
	if err != nil {
		return result{}, fmt.Errorf("reading the python result: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return result{}, fmt.Errorf("reading the python result: not a JSON object")
	}
	res := result{Result: obj["result"]}
	res.OK, _ = obj["ok"].(bool)
	res.Error, _ = obj["error"].(string)
	return res, nil
}

// Run implements modules.Module.
func (Python) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	interp := in.String("python")
	if interp == "" {
		interp = "python3"
	}
	if strings.ContainsRune(interp, os.PathSeparator) {
		interp = in.Path(interp) // .venv/bin/python, in the base directory
	}
	bin, err := osexec.LookPath(interp)
	if err != nil {
		if strings.ContainsRune(interp, os.PathSeparator) {
			if fi, serr := os.Stat(interp); serr == nil {
				what := "not executable"
				if fi.IsDir() {
					what = "a directory"
				}
				return nil, fmt.Errorf("%s is no Python interpreter: it is %s; set the node's `python` input to one (a virtualenv's .venv/bin/python)", interp, what)
			}
			return nil, fmt.Errorf("no Python interpreter at %s: set the node's `python` input to one that exists (a virtualenv's .venv/bin/python is relative to the base directory)", interp)
		}
		return nil, fmt.Errorf("%s not found in PATH: install Python 3 or set the node's `python` input to an interpreter", interp)
	}
	path := in.Path(in.String("path"))
	if fi, err := os.Stat(path); err != nil || fi.IsDir() {
		where := ""
		if in.Dir != "" && !filepath.IsAbs(in.String("path")) {
			where = " in the base directory " + in.Dir + " (--base-dir, base_dir: to change it)"
		}
		return nil, fmt.Errorf("no Python file at %s%s", in.String("path"), where)
	}
	if !in.AllowDangerous {
		// Known at compile time for a literal path (the gate skips the
		// node); a path from a ${{ }} is known only now: refuse it before
		// any of its code runs.
		if id := declared(path, in.String("path")); id.Dangerous {
			return nil, &modules.DangerousError{Why: id.Why}
		}
	}
	req := map[string]any{"path": path, "function": in.String("function"), "args": in.With["args"], "kwargs": in.With["kwargs"]}
	if req["args"] == nil {
		req["args"] = []any{}
	}
	if req["kwargs"] == nil {
		req["kwargs"] = map[string]any{}
	}
	body, err := modules.MarshalPythonJSON(req)
	if err != nil {
		return nil, fmt.Errorf("encoding args: %w", err)
	}
	cmd := proc.Command(bin, "-c", runner)
	level := "info"
	if in.Logger.Enabled(ctx, slog.LevelDebug) {
		level = "debug" // pipe --debug
	}
	// The module runs in the base directory, so that its own relative
	// paths mean what the pipeline's do; its environment is pipe's, then
	// the config (see engine.Options.Env).
	cmd.Dir = in.Dir
	cmd.Env = append(append(os.Environ(), in.Env...), "PYTHONUNBUFFERED=1", "PIPE_LOG_LEVEL="+level)
	cmd.Stdin = strings.NewReader(string(body))
	ch, err := newResultChannel(cmd)
	if err != nil {
		return nil, err
	}
	_, runErr := proc.Run(ctx, cmd, proc.Options{Log: in.Logger, StdoutToLog: true, Priority: in.Priority, LogFile: in.LogFile, Mask: in.Secrets})
	rb := ch.read()
	if ctx.Err() != nil {
		return nil, runErr
	}
	data := rb.data
	if rb.size > modules.MaxValueBytes {
		return nil, modules.TooLarge("the python result is", rb.size)
	}
	if len(data) == 0 {
		if runErr != nil {
			return nil, runErr
		}
		return nil, errors.New("python exited without a result")
	}
	res, err := decodeResult(data)
	if err != nil {
		return nil, err
	}
	if !res.OK {
		return nil, errors.New(res.Error + missingModuleHint(res.Error, bin))
	}
	switch v := res.Result.(type) {
	case map[string]any:
		return modules.FromResult(v)
	case nil:
		return &modules.Output{Message: in.String("function") + "() returned None"}, nil
	default:
		return &modules.Output{Values: map[string]any{"result": v}}, nil
	}
}

// missingModuleHint says what to do of a module the interpreter has not
// (torch under a python3 first on PATH that is not the one with the
// packages), or "" for another error.
func missingModuleHint(msg, interp string) string {
	const prefix = "ModuleNotFoundError: No module named '"
	i := strings.Index(msg, prefix)
	if i < 0 {
		return ""
	}
	name, _, ok := strings.Cut(msg[i+len(prefix):], "'")
	if !ok {
		return ""
	}
	name, _, _ = strings.Cut(name, ".") // the package: torch of torch.nn
	return fmt.Sprintf(" (%s has no module %s: install it for that interpreter, or set the node's `python` input to one that has it, e.g. a virtualenv's .venv/bin/python)", interp, name)
}
