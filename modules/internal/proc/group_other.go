//go:build !unix

package proc

import (
	"os"
	"os/exec"
)

var (
	sigTerm = os.Kill
	sigKill = os.Kill
)

func setProcessGroup(*exec.Cmd) {}

// signalGroup kills the program; without process groups its children may
// outlive it.
func signalGroup(cmd *exec.Cmd, _ os.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
