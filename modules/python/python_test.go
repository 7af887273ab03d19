package python_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/python"
)

// The watchdog of programs started here is watched until it ends, with
// the test process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/pipe-run/pipe/modules/internal/proc/watchdog.(*Conn).watch"))
}

const seed = "../../testdata/modules/seed/sports_predictor.py"

func TestPython(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
	tests := []struct {
		name    string
		with    map[string]any
		values  map[string]any
		message string
		err     string
	}{
		{name: "seed call with no arguments", with: map[string]any{"path": seed, "function": "main"},
			message: "args=0 kwargs=[]", values: map[string]any{"echo": map[string]any{"args": []any{}, "kwargs": map[string]any{}}}},
		{name: "args and kwargs", with: map[string]any{"path": seed, "function": "main", "args": []any{1, "x"}, "kwargs": map[string]any{"k": 2.5}},
			message: "args=2 kwargs=['k']", values: map[string]any{"echo": map[string]any{"args": []any{1, "x"}, "kwargs": map[string]any{"k": 2.5}}}},
		{name: "status error fails with the message", with: map[string]any{"path": seed, "function": "broken"}, err: "model file missing"},
		{name: "an exception fails with its text", with: map[string]any{"path": seed, "function": "raises"}, err: "ValueError: bad input shape"},
		{name: "a value that is not a dict", with: map[string]any{"path": seed, "function": "plain"},
			values: map[string]any{"result": []any{1, 2.5, "three"}}},
		{name: "None", with: map[string]any{"path": seed, "function": "nothing"}, message: "nothing() returned None"},
		{name: "sys.exit", with: map[string]any{"path": seed, "function": "leaves"}, err: "SystemExit: 3"},
		{name: "sys.exit(0) succeeds, as a script's would", with: map[string]any{"path": seed, "function": "done_early"}, message: "done_early() returned None"},
		{name: "a set is a list", with: map[string]any{"path": seed, "function": "sets"},
			values: map[string]any{"tags": []any{"a", "b"}, "mixed": []any{"x", 1}}}, // by their text: the same each run
		{name: "sys.exit(0) while loading fails", with: map[string]any{"path": "../../testdata/modules/seed/exits_on_load.py"},
			err: "exits_on_load.py called sys.exit(0) while loading, before main() ran"},
		{name: "missing function", with: map[string]any{"path": seed, "function": "nope"}, err: "has no function nope()"},
		{name: "a dict JSON cannot write", with: map[string]any{"path": "../../testdata/modules/seed/numbers.py", "function": "tuple_keys"},
			err: "tuple_keys() returned what cannot be written as JSON: keys must be str"},
		{name: "missing file", with: map[string]any{"path": "nowhere.py", "function": "main"}, err: "no Python file at nowhere.py"},
		{name: "a package the interpreter has not", with: map[string]any{"path": "../../testdata/modules/seed/needs_torch.py"},
			err: "has no module no_such_package_for_pipe_tests: install it for that interpreter, or set the node's `python` input"},
		{name: "missing interpreter", with: map[string]any{"path": seed, "function": "main", "python": "python-does-not-exist"},
			err: "python-does-not-exist not found in PATH"},
		{name: "missing interpreter at a path", with: map[string]any{"path": seed, "function": "main", "python": ".venv/bin/python"},
			err: "no Python interpreter at .venv/bin/python: set the node's `python` input to one that exists"},
		{name: "an interpreter that is a directory", with: map[string]any{"path": seed, "function": "main", "python": "../python"},
			err: "../python is no Python interpreter: it is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := python.Python{}.Run(context.Background(), &modules.Input{Node: "n", With: tt.with, Attempt: 1, Logger: slog.New(slog.DiscardHandler)})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.message != "" && out.Message != tt.message {
				t.Errorf("message %q, want %q", out.Message, tt.message)
			}
			for k, v := range tt.values {
				if !reflect.DeepEqual(out.Values[k], v) {
					t.Errorf("output %s = %#v, want %#v", k, out.Values[k], v)
				}
			}
		})
	}
}

func TestPythonCancel(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	dir := t.TempDir()
	script := dir + "/slow.py"
	if err := os.WriteFile(script, []byte("import time\ndef main():\n    time.sleep(60)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := python.Python{}.Run(ctx, &modules.Input{Node: "n", With: map[string]any{"path": script, "function": "main"}, Logger: slog.New(slog.DiscardHandler)})
	if err == nil {
		t.Fatal("a cancelled call succeeded")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to stop", d)
	}
}
