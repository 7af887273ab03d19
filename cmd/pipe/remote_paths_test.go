//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Workers are started at the root of the same checkout: a run's base
// directory goes to them relative to the project's root, its file
// relative to the base directory, whatever directory the client ran in
// (from testdata/, nested/nested.yaml was sent as is, and its
// sub-pipelines were not found); base_dir: and --base-dir reach them too.
func TestRemotePaths(t *testing.T) {
	root := t.TempDir()
	bare := t.TempDir() // no project marker
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644)
	for _, d := range []string{"testdata/nested", "pipelines", "sub"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	for _, tt := range []struct {
		name, file, base, wantFile, wantBase string
	}{
		{"from a subdirectory", "testdata/nested/nested.yaml", "testdata", "nested/nested.yaml", "testdata"},
		{"from the root", "pipelines/predict.yaml", "", "pipelines/predict.yaml", ""},
		{"base_dir: below the file", "pipelines/p.yaml", "pipelines", "p.yaml", "pipelines"},
		{"a file above its base", "bd.yaml", "sub", filepath.Join(root, "bd.yaml"), "sub"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(root)
			file, base := remotePaths(tt.file, filepath.Join(root, tt.base))
			if file != tt.wantFile || base != tt.wantBase {
				t.Errorf("remotePaths(%s, %s) = %q, %q; want %q, %q", tt.file, tt.base, file, base, tt.wantFile, tt.wantBase)
			}
		})
	}
	t.Run("no project", func(t *testing.T) {
		t.Chdir(bare)
		if file, base := remotePaths("p.yaml", bare); file != "p.yaml" || base != bare {
			t.Errorf("remotePaths = %q, %q; want p.yaml and the absolute base %s", file, base, bare)
		}
	})
}
