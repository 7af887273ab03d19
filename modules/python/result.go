package python

import (
	"io"

	"github.com/pipe-run/pipe/modules"
)

// resultBytes is what the runner sent back: the bytes, up to one past
// modules.MaxValueBytes, and how many it sent in all.
type resultBytes struct {
	data []byte
	size int64
}

// readResult reads the runner's result, keeping no more than the limit
// (and one byte to know it was passed) and draining the rest, so that the
// runner is not blocked writing it.
func readResult(r io.Reader) resultBytes {
	data, _ := io.ReadAll(io.LimitReader(r, modules.MaxValueBytes+1))
	rest, _ := io.Copy(io.Discard, r)
	return resultBytes{data: data, size: int64(len(data)) + rest}
}
