package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// The shipped pipelines are users' first examples: each must work from
// the project's root and from inside pipelines/ alike. validate resolves
// their Python files against the base directory; a file without
// `base_dir: ..` took pipelines/ for it there ("no such file
// pipelines/leagues/leagues.py"), and its data and model paths moved too.
func TestShippedPipelinesFromAnyDirectory(t *testing.T) {
	files, err := filepath.Glob("../../pipelines/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pipelines: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			p, err := schema.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			if p.BaseDir != ".." {
				t.Errorf("base_dir is %q; want .. (the project's root, from wherever pipe runs)", p.BaseDir)
			}
			for _, tc := range []struct{ dir, file string }{
				{"../..", "pipelines/" + name},
				{"../../pipelines", name},
			} {
				r := pipeIn(t, tc.dir, nil, "validate", tc.file)
				if r.code != 0 || !strings.Contains(r.stdout, "ok "+tc.file) {
					t.Errorf("validate %s in %s: exit %d\n%s%s", tc.file, tc.dir, r.code, r.stdout, r.stderr)
				}
			}
		})
	}
	t.Run("example.yaml runs from inside pipelines", func(t *testing.T) {
		r := pipeIn(t, "../../pipelines", nil, "run", "example.yaml", "--runs-dir", t.TempDir())
		if r.code != 0 {
			t.Fatalf("run: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})
}
