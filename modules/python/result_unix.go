//go:build unix

package python

import (
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/pipe-run/pipe/modules/internal/proc"
)

// resultChannel brings the runner's result back through a pipe on the
// program's fd 3, so that nothing is left on disk whatever ends pipe or
// the program.
type resultChannel struct {
	r, w *os.File
	got  chan resultBytes
}

func newResultChannel(cmd *exec.Cmd) (*resultChannel, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("making the result pipe: %w", err)
	}
	cmd.ExtraFiles = []*os.File{w}
	c := &resultChannel{r: r, w: w, got: make(chan resultBytes, 1)}
	// Read as it comes: a result larger than the pipe holds would block
	// the runner otherwise.
	go func() { c.got <- readResult(r) }()
	return c, nil
}

// read returns the result once the program has ended.
func (c *resultChannel) read() resultBytes {
	c.w.Close()
	// A process the program started may still hold fd 3: give it as long
	// as proc gives an output pipe.
	_ = c.r.SetReadDeadline(time.Now().Add(proc.StopDelay))
	rb := <-c.got
	c.r.Close()
	return rb
}
