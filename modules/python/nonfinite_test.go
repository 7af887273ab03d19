package python_test

import (
	"context"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
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
