package engine

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// This file holds how a glob of `files:` (or of a file input, such as
// python's path) finds its files.

// stateDirs are pipe's own directory of runs and cache in a project, and
// git's: what a glob or a walk meets there changes every run (or every
// git command) and is never a node's input, so a key over it never hit.
// Named themselves (files: [.git/HEAD]), they count.
var stateDirs = []string{".pipe", ".git"}

func isStateDir(name string) bool { return slices.Contains(stateDirs, name) }

// globMatches lists what glob, relative to base, matches: the paths
// filepath.Glob gives, or, when a path element of the glob is `**`, what
// doublestar gives, where `**` is any number of directories (none
// included), as GitHub Actions' hashFiles('**/x') reads it. deep says the
// latter: what `**` meets is read as a walk of a listed directory reads
// it, links to directories not followed, and it leaves out .pipe and .git
// (stateDirs). A pattern that is not a glob is a plain path, matched when it
// exists. Both list in a fixed order (by name, directory by directory).
func globMatches(base, glob string) (matches []string, deep bool) {
	var err error
	if deep = hasGlobstar(glob); deep {
		root, rest := splitGlob(glob)
		dir := underBaseDir(base, root)
		matches, err = doublestar.Glob(stateless{os.DirFS(dir)}, forDoublestar(rest), doublestar.WithNoFollow())
		for k, m := range matches {
			matches[k] = filepath.Join(dir, filepath.FromSlash(m))
		}
	} else {
		matches, err = filepath.Glob(inBase(base, glob))
	}
	if err != nil { // not a glob after all: a plain path
		if path := underBaseDir(base, glob); fileExists(path) {
			return []string{path}, false
		}
		return nil, false
	}
	return matches, deep
}

// globFiles lists the files of what glob matches under base (see
// globMatches), once each: a directory stands for the files under it.
// A directory named through a link is walked (the user named it); links
// met inside are not followed, and neither are those `**` met (see
// linkOrFileDigest).
func globFiles(base, glob string) ([]string, error) {
	matches, deep := globMatches(base, glob)
	var files []string
	var seen map[string]bool
	if deep { // `**` matches a directory and what is under it
		seen = map[string]bool{}
	}
	for _, m := range matches {
		if isStateDir(filepath.Base(m)) && !isStateDir(filepath.Base(glob)) {
			continue // a wildcard met pipe's or git's state (files: ["*"])
		}
		root := m
		stat := os.Stat
		if deep {
			stat = os.Lstat
		}
		if fi, err := stat(m); err == nil && fi.IsDir() {
			root = m + string(filepath.Separator)
		}
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && isStateDir(d.Name()) && path != root:
				return fs.SkipDir
			case !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0:
				return nil
			}
			path = filepath.Clean(path)
			if seen != nil {
				if seen[path] {
					return nil
				}
				seen[path] = true
			}
			files = append(files, path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// hasGlobstar reports whether a path element of glob is `**`. Elsewhere
// (`a**b`) two stars are one, as in filepath.Match and doublestar.
func hasGlobstar(glob string) bool {
	return slices.Contains(strings.Split(filepath.ToSlash(glob), "/"), "**")
}

// splitGlob splits glob, in slash form, at its first element that has
// glob syntax: root is the path before it, rest the pattern from it on.
func splitGlob(glob string) (root, rest string) {
	elems := strings.Split(filepath.ToSlash(filepath.Clean(glob)), "/")
	syntax := globSyntax()
	i := slices.IndexFunc(elems, func(e string) bool { return strings.ContainsAny(e, syntax) })
	root = strings.Join(elems[:i], "/")
	switch {
	case i == 1 && root == "": // "/**": the file system's root
		root = "/"
	case i == 0:
		root = "."
	}
	return filepath.FromSlash(root), strings.Join(elems[i:], "/")
}

// globSyntax are the characters filepath.Match reads as syntax: a
// backslash escapes on Unix, and is a separator on Windows.
func globSyntax() string {
	if filepath.Separator == '\\' {
		return "*?["
	}
	return `*?[\`
}

// forDoublestar is pattern, with filepath.Match's syntax, written in
// doublestar's: braces are literal and `[!` matches a "!", as in
// filepath.Match (doublestar reads them as alternatives and a negation).
func forDoublestar(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern):
			b.WriteByte(c)
			i++
			b.WriteByte(pattern[i])
		case c == '{' || c == '}':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '[' && i+1 < len(pattern) && pattern[i+1] == '!':
			b.WriteString(`[\!`)
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stateless is a directory without the .pipe and .git directories under
// it (stateDirs): doublestar reads the tree through ReadDir and Stat.
type stateless struct{ fs.FS }

func (s stateless) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(s.FS, name)
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return e.IsDir() && isStateDir(e.Name()) }), err
}

func (s stateless) Stat(name string) (fs.FileInfo, error) { return fs.Stat(s.FS, name) }
