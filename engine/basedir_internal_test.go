package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// A file's project is the nearest repository or Go module above it; a
// .pipe (which pipe makes wherever it is run) counts only where there is
// neither: a run from a subdirectory must not move the base directory of
// later runs of files below it.
func TestDefaultBaseDirPrefersRepositories(t *testing.T) {
	for _, tc := range []struct {
		name string
		made []string // directories to make, under the test's root
		file string   // the pipeline file's directory
		want string   // the base directory, under the root
	}{
		{"a repository", []string{"repo/.git", "repo/sub/other"}, "repo/sub", "repo"},
		{"a repository with a .pipe made below it", []string{"repo/.git", "repo/sub/.pipe", "repo/sub/other"}, "repo/sub", "repo"},
		{"a Go module with a .pipe below it", []string{"mod/go.mod", "mod/sub/.pipe"}, "mod/sub", "mod"},
		{"no repository: the nearest .pipe", []string{"plain/.pipe", "plain/sub/deeper"}, "plain/sub/deeper", "plain"},
		{"nothing: the file's own directory", []string{"bare/sub"}, "bare/sub", "bare/sub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, p := range tc.made {
				p = filepath.Join(root, p)
				if filepath.Base(p) == "go.mod" {
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte("module m\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				} else if err := os.MkdirAll(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cwd := t.TempDir() // elsewhere: the file is not inside it
			got := defaultBaseDir(filepath.Join(root, tc.file), cwd)
			if want := filepath.Join(root, tc.want); got != want {
				t.Errorf("base directory %s, want %s", got, want)
			}
		})
	}
}
