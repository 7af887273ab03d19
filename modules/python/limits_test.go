package python_test

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/python"
)

const limitsScript = `import os, tempfile

def big(n):
    return {"data": "x" * n}

def temp_files():
    return {"left": sorted(f for f in os.listdir(tempfile.gettempdir()) if f.startswith("pipe-"))}

def spawns():
    # A child that outlives the function must not hold the result back.
    os.system("sleep 30 &")
    return {"ok": 1}
`

func TestPythonLimits(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "limits.py")
	if err := os.WriteFile(script, []byte(limitsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	// The runner's temp dir is this one: the test sees what it leaves there.
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	tests := []struct {
		name     string
		function string
		args     []any
		values   map[string]any
		err      string
	}{
		{name: "a result under the limit", function: "big", args: []any{1 << 20}},
		{name: "a result over the limit is refused unread", function: "big", args: []any{5 << 20},
			err: "the python result is 5.2 MB, over the 4 MiB limit for values: write large data to a file and output its path"},
		{name: "no temp files while it runs", function: "temp_files", values: map[string]any{"left": []any{}}},
		{name: "a child holding no result pipe", function: "spawns", values: map[string]any{"ok": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			with := map[string]any{"path": script, "function": tt.function}
			if tt.args != nil {
				with["args"] = tt.args
			}
			out, err := python.Python{}.Run(context.Background(), &modules.Input{Node: "n", With: with, Attempt: 1, Logger: slog.New(slog.DiscardHandler)})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.values {
				if !reflect.DeepEqual(out.Values[k], v) {
					t.Errorf("output %s = %#v, want %#v", k, out.Values[k], v)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("%d files left in the temp dir: %v", len(left), left[0].Name())
			}
		})
	}
}
