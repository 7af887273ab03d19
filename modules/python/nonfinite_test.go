package python_test

import (
	"context"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/python"
)

// ML code returns NaN metrics: they come back as numbers, and a NaN given
// to a function arrives as a float.
func TestPythonNonFiniteNumbers(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
	script := filepath.Join(t.TempDir(), "metrics.py")
	src := "import math\ndef main(x):\n    return {'loss': float('nan'), 'best': float('-inf'), 'got_nan': isinstance(x, float) and math.isnan(x)}\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &modules.Input{Node: "n", Attempt: 1, Logger: slog.New(slog.DiscardHandler),
		With: map[string]any{"path": script, "args": []any{math.NaN()}}}
	out, err := python.Python{}.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	loss, _ := out.Values["loss"].(float64)
	best, _ := out.Values["best"].(float64)
	if !math.IsNaN(loss) || !math.IsInf(best, -1) || out.Values["got_nan"] != true {
		t.Errorf("outputs = %#v, want loss NaN, best -Inf, got_nan true", out.Values)
	}
}

// An int past 64 bits would reach pipe as an inexact float: the node fails
// naming where it is; one that fits, or the same number as text, passes.
func TestPythonBigInts(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
	script := filepath.Join(t.TempDir(), "big.py")
	src := "def main(kind):\n    return {'big': {'n': [2**70], 'neg': -(2**63) - 1}, 'max': 2**63 - 1, 'text': str(2**70), 'digits': '12345678901234567890'}[kind]\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind, err string
		want      any
	}{
		{"big", "main()['n'][0] is 1180591620717411303424, a whole number past 64 bits", nil},
		{"max", "", 1<<63 - 1},
		{"text", "", "1180591620717411303424"},
		{"digits", "", "12345678901234567890"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			in := &modules.Input{Node: "n", Attempt: 1, Logger: slog.New(slog.DiscardHandler),
				With: map[string]any{"path": script, "args": []any{tt.kind}}}
			out, err := python.Python{}.Run(context.Background(), in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || out.Values["result"] != tt.want {
				t.Errorf("result = %#v (%v), want %#v", out, err, tt.want)
			}
		})
	}
}
