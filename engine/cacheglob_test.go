package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// What a glob of files: finds: `**` is any number of directories (none
// included) as GitHub Actions' hashFiles reads it; the rest of the
// syntax is filepath.Match's (braces literal, [!x] matches "!" or "x");
// hidden files match as * matches them; links to directories that `**`
// meets are not followed; pipe's own .pipe is left out unless named.
func TestGlobFiles(t *testing.T) {
	base := t.TempDir()
	for _, f := range []string{
		"main.py", ".hidden.py", "notes.txt",
		"src/main.py", "src/x.py", "src/!x.py", "src/{a,b}.py", "src/a.py", "src/b.py",
		"src/pkg/util.py", "src/pkg/sub/util.py", "src/pkg/sub/data.csv",
		".pipe/runs/r1/log.py", "out/.pipe/old.py", ".git/index", "src/.git/HEAD",
	} {
		path := filepath.Join(base, f)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := os.Symlink("pkg", filepath.Join(base, "src/link")) == nil
	linked := func(files ...string) []string {
		if links {
			return files
		}
		return slices.DeleteFunc(files, func(f string) bool { return f == "src/link" })
	}
	for _, tc := range []struct {
		name, glob string
		want       []string
	}{
		{"any depth, the top included", "**/*.py", []string{".hidden.py", "main.py", "src/!x.py", "src/a.py", "src/b.py", "src/main.py", "src/x.py", "src/{a,b}.py", "src/pkg/util.py", "src/pkg/sub/util.py"}},
		{"no directory between", "src/**/*.py", []string{"src/!x.py", "src/a.py", "src/b.py", "src/main.py", "src/x.py", "src/{a,b}.py", "src/pkg/util.py", "src/pkg/sub/util.py"}},
		{"deep under a directory", "src/pkg/**/util.py", []string{"src/pkg/util.py", "src/pkg/sub/util.py"}},
		{"a whole tree, a link as itself", "src/**", linked("src/!x.py", "src/a.py", "src/b.py", "src/link", "src/main.py", "src/pkg/sub/data.csv", "src/pkg/sub/util.py", "src/pkg/util.py", "src/x.py", "src/{a,b}.py")},
		{"a directory found deep stands for its files", "**/sub", []string{"src/pkg/sub/data.csv", "src/pkg/sub/util.py"}},
		{"everything but .pipe", "**", linked(".hidden.py", "main.py", "notes.txt", "src/!x.py", "src/a.py", "src/b.py", "src/link", "src/main.py", "src/pkg/sub/data.csv", "src/pkg/sub/util.py", "src/pkg/util.py", "src/x.py", "src/{a,b}.py")},
		{".pipe when named", ".pipe/**/*.py", []string{".pipe/runs/r1/log.py"}},
		{"braces are literal", "**/{a,b}.py", []string{"src/{a,b}.py"}},
		{"[!x] is ! or x, as in filepath.Match", "**/[!x].py", []string{"src/x.py"}},
		{"[^x] negates", "src/**/[^x].py", []string{"src/a.py", "src/b.py"}},
		{"an escaped star", `src/**/\!x.py`, []string{"src/!x.py"}},
		{"nothing", "src/**/*.go", nil},
		{"a missing root", "nowhere/**", nil},
		// Without **, what filepath.Glob matches, as before.
		{"one level", "*/*.py", []string{"src/!x.py", "src/a.py", "src/b.py", "src/main.py", "src/x.py", "src/{a,b}.py"}},
		{"two stars in a name are one", "src/**.py", []string{"src/!x.py", "src/a.py", "src/b.py", "src/main.py", "src/x.py", "src/{a,b}.py"}},
		{"a directory", "src/pkg", []string{"src/pkg/sub/data.csv", "src/pkg/sub/util.py", "src/pkg/util.py"}},
		{"a directory through a link is walked", "src/link", linked("src/link/sub/data.csv", "src/link/sub/util.py", "src/link/util.py")},
		{"braces literal without **", "src/{a,b}.py", []string{"src/{a,b}.py"}},
		// .pipe and .git change with every run or git command: a key over
		// them never hit. A wildcard or a walk leaves them out; named, they count.
		{"a star leaves out .pipe and .git", "*", linked(".hidden.py", "main.py", "notes.txt", "src/!x.py", "src/a.py", "src/b.py", "src/link", "src/main.py", "src/pkg/sub/data.csv", "src/pkg/sub/util.py", "src/pkg/util.py", "src/x.py", "src/{a,b}.py")},
		{"a walk leaves out .pipe and .git", "src", linked("src/!x.py", "src/a.py", "src/b.py", "src/link", "src/main.py", "src/pkg/sub/data.csv", "src/pkg/sub/util.py", "src/pkg/util.py", "src/x.py", "src/{a,b}.py")},
		{".git when named", ".git", []string{".git/index"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !links && tc.glob == "src/link" {
				t.Skip("no symbolic links here")
			}
			files, err := globFiles(base, tc.glob)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range files {
				rel, _ := filepath.Rel(base, f)
				got = append(got, filepath.ToSlash(rel))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s:\n got %q\nwant %q", tc.glob, got, tc.want)
			}
		})
	}
}
