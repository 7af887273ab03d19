package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A sub-pipeline of 800 nodes whose records add up past the 4 MiB limit
// for a node's outputs runs, as 800 nodes of the run itself would: its
// records are no value a node reads (it failed, saying its outputs were
// too large, and lost them all).
func TestLargeSubPipelineRecordsAreNoOutputs(t *testing.T) {
	dir := t.TempDir()
	pad := strings.Repeat("x", 3000)
	files := map[string]string{
		"p.yaml":   "name: p\nnodes:\n  sub: {module: pipeline, with: {file: sub.yaml}}\n",
		"sub.yaml": "name: sub\nnodes:\n  many:\n    module: echo\n    foreach: ${{ 1..800 }}\n    with: {n: \"${{ item }}\", pad: " + pad + "}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := engine.Load(filepath.Join(dir, "p.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.Nodes["sub"]; n.Status != engine.StatusSuccess {
		t.Fatalf("the pipeline node %s: %s", n.Status, n.Message)
	}
	if n := rec.Nodes["sub/many[800]"]; n == nil || n.Status != engine.StatusSuccess {
		t.Errorf("the sub-pipeline's last instance is not recorded: %+v", n)
	}
}
