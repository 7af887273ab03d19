package modules

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular marks a path ReadFile refused because it names no
// regular file; ErrFileTooBig one past its limit.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrFileTooBig = errors.New("too big")
)

// ReadFile reads a file a pipeline names for a module to read whole (data,
// a model, rules): a regular file of at most limit bytes, or the null
// device (empty: `--config /dev/null` says there is none). A device, a FIFO
// or a socket is refused before a byte is read: /dev/zero would be read
// until memory ran out, a FIFO would wait for a writer, and neither would
// heed a time-out or Ctrl-C, since a read of a file cannot be interrupted.
// what names the file in the error ("data file", "model file").
func ReadFile(path string, limit int64, what string) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		// As os.ReadFile says it: the caller's message for a file it
		// cannot read fits.
		return nil, &fs.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	if !info.Mode().IsRegular() {
		if isNullDevice(info) {
			return nil, nil // `--config /dev/null`: nothing, the way to say none
		}
		return nil, notRegular(path, info.Mode(), what)
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s %s is %s, %w: pipe reads at most %s; name a smaller file", what, path, Size(info.Size()), ErrFileTooBig, Size(limit))
	}
	// Read to the end rather than to the size it had: a file being
	// written is read as it is now, and still no further than the limit.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s %s grew %w as it was read: pipe reads at most %s; name a smaller file", what, path, ErrFileTooBig, Size(limit))
	}
	return data, nil
}

// isNullDevice reports whether info is the null device's (os.DevNull),
// which reads as empty at once.
func isNullDevice(info fs.FileInfo) bool {
	null, err := os.Stat(os.DevNull)
	return err == nil && os.SameFile(info, null)
}

func notRegular(path string, mode fs.FileMode, what string) error {
	kind := "not a regular file"
	switch {
	case mode&fs.ModeNamedPipe != 0:
		kind = "a FIFO (named pipe)"
	case mode&fs.ModeSocket != 0:
		kind = "a socket"
	case mode&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%s %s is %s: %w; name a file (a device or a FIFO would be read without end, past any time-out)", what, path, kind, ErrNotRegular)
}
