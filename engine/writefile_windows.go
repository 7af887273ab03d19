package engine

import (
	"io"
	"os"
)

// writeFileAtomic writes what write writes to path; Windows has no atomic
// rename over an existing file, so it is a plain write there (as
// renameio's maybe.WriteFile).
func writeFileAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
