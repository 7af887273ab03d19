package schema

import (
	"os"
	"path/filepath"
	"strings"
)

// Stdin is the file name that has Load read standard input (pipe run -),
// and StdinName the name its diagnostics and records give it.
const (
	Stdin     = "-"
	StdinName = "<stdin>"
)

// isStream reports whether f, opened from path, is no file in a directory
// (see Source.Stream).
func isStream(f *os.File, path string) bool {
	if f == os.Stdin {
		return true
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return true
	}
	// /dev/stdin or /proc/self/fd/0 redirected from a file is a regular
	// file, in a directory that is not where the pipeline belongs.
	abs, err := filepath.Abs(path)
	return err == nil && (strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/"))
}
