package engine_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/all"
	"github.com/pipe-run/pipe/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestBadPipelines checks every pipeline under testdata/bad against the
// diagnostics in its .golden file: each problem at its line and column.
func TestBadPipelines(t *testing.T) {
	files, err := filepath.Glob("../testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad pipelines found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			display := "testdata/bad/" + filepath.Base(file)
			plan, err := engine.Parse(display, data, modules.Default)
			if err == nil {
				t.Fatalf("%s validated; want problems (plan of %d nodes)", display, plan.Graph.Len())
			}
			var diags schema.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error is %T, want schema.Diagnostics: %v", err, err)
			}
			var b strings.Builder
			for _, d := range diags {
				if d.File != display {
					t.Errorf("diagnostic names file %q, want %q", d.File, display)
				}
				b.WriteString(d.Long())
				b.WriteString("\n")
			}
			golden(t, strings.TrimSuffix(file, ".yaml")+".golden", b.String())
		})
	}
}

func TestGoodPipelines(t *testing.T) {
	files, _ := filepath.Glob("../pipelines/*.yaml")
	more, _ := filepath.Glob("../testdata/good/*.yaml")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no pipelines found")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			if _, err := engine.Load(file, modules.Default); err != nil {
				t.Fatalf("%v", err)
			}
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
