//go:build !unix

package python

import (
	"os"
	"os/exec"
)

// resultChannel brings the runner's result back through a temp file where
// a program cannot inherit a pipe on fd 3 (os/exec has no ExtraFiles on
// Windows). Its size is checked before it is read.
type resultChannel struct {
	path string
}

func newResultChannel(cmd *exec.Cmd) (*resultChannel, error) {
	f, err := os.CreateTemp("", "pipe-python-*.json")
	if err != nil {
		return nil, err
	}
	f.Close()
	cmd.Env = append(cmd.Env, "PIPE_RESULT_FILE="+f.Name())
	return &resultChannel{path: f.Name()}, nil
}

func (c *resultChannel) read() resultBytes {
	defer os.Remove(c.path)
	f, err := os.Open(c.path)
	if err != nil {
		return resultBytes{}
	}
	defer f.Close()
	return readResult(f)
}
