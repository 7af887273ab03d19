package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// TestEveryDiagnosticIsPositioned holds each bad pipeline to the rule that
// every message names where: file:line:col, never the file alone.
func TestEveryDiagnosticIsPositioned(t *testing.T) {
	files, _ := filepath.Glob("../testdata/bad/*.yaml")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = engine.Parse(file, data, modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error is %T, want schema.Diagnostics: %v", err, err)
			}
			for _, d := range diags {
				if d.Line < 1 || d.Col < 1 {
					t.Errorf("no line:col: %s", d.Error())
				}
			}
		})
	}
}
