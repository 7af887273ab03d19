package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// FuzzParse runs whole validation (graph, modules, expressions) on arbitrary
// files: it must end with a plan or an error, never a panic.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/*/*.yaml")
	more, _ := filepath.Glob("../pipelines/*.yaml")
	for _, file := range append(files, more...) {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("config: {N: 1}\nnodes:\n  a: {module: echo, with: {x: '${{ 1..config.N }}'}}\n  b: {module: echo, needs: a, when: 'nodes.a.outputs.x[0] > 0'}\n"))
	f.Add([]byte("config: {N: x}\nnodes:\n  a: {module: exec, with: {command: \"echo ${{ raw(config.N) }} \\\"$(echo '${{ config.N }}')\\\" <<E # ${{ 1 }}\"}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := engine.Parse("fuzz.yaml", data, modules.Default)
		if (plan == nil) == (err == nil) {
			t.Fatalf("plan %v and error %v", plan != nil, err)
		}
	})
}
