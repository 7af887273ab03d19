//go:build unix

package modules

import (
	"os"
	"syscall"
)

// openRegular opens path for reading. O_NONBLOCK: opening a FIFO for
// reading would otherwise wait for a writer, before ReadFile could see
// what the path is; a regular file's reads ignore the flag.
func openRegular(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
