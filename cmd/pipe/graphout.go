package main

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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
	perm := fs.FileMode(0) // a new file's: 0666 less the umask, as a shell's > gives
	if _, err := os.Lstat(path); err == nil {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return os.WriteFile(path, data, 0o666) // a link to nothing, or to a pipe (/dev/stdout)
		}
		fi, err := os.Stat(target)
		if err != nil || !fi.Mode().IsRegular() {
			return os.WriteFile(path, data, 0o666)
		}
		path, perm = target, fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := createBeside(path)
	if err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: unwrapPathError(err)} // not the temporary name
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && perm != 0 {
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

// createBeside creates the file written before it is renamed over path:
// hidden, beside it, and saying whose it is, for one that a SIGKILL
// leaves behind (.g.svg.pipe-tmp123). Its mode is 0666 less the umask,
// as os.CreateTemp's 0600 is not: a new -o file is made as a shell's
// redirection would make it.
func createBeside(path string) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".pipe-tmp")
	for range 100 {
		f, err := os.OpenFile(prefix+strconv.FormatUint(uint64(rand.Uint32()), 10), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "create", Path: prefix + "*", Err: fs.ErrExist}
}

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
