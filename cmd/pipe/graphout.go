package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// writeWhole writes data to path whole or not at all: into a file beside
// it, renamed over it once written, so that an -o file is never left cut
// short (a full disk, a file size limit, pipe killed while it writes) and
// an existing one stays as it was when graph fails. The temporary file is
// removed on every error. Only a regular file is replaced so, or a name
// that is not there: anything else (/dev/null, /dev/stdout, a FIFO, a
// link to nothing) is written as it is, never renamed over. A symbolic
// link's target is replaced, the link kept.
func writeWhole(path string, data []byte) error {
	perm := fs.FileMode(0o644)
	if _, err := os.Lstat(path); err == nil {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return os.WriteFile(path, data, perm) // a link to nothing, or to a pipe (/dev/stdout)
		}
		fi, err := os.Stat(target)
		if err != nil || !fi.Mode().IsRegular() {
			return os.WriteFile(path, data, perm)
		}
		path, perm = target, fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), tempPattern(filepath.Base(path)))
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return &fs.PathError{Op: "write", Path: path, Err: unwrapPathError(err)}
	}
	return nil
}

// tempPattern names the file written before it is renamed over the file
// called base: hidden, beside it, and saying whose it is, for one that a
// SIGKILL leaves behind (.g.svg.pipe-tmp123).
func tempPattern(base string) string { return "." + base + ".pipe-tmp*" }

// unwrapPathError is the cause inside a *fs.PathError or *os.LinkError
// (which name the temporary file), else err.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
