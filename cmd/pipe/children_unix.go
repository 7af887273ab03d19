//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownProcess has cmd start in a process group of its own (killGroup kills
// what it starts too), and die with pipe where the kernel can see to it.
func ownProcess(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setDeathSignal(cmd.SysProcAttr)
}

// killGroup kills the process group led by pid; one already gone is no
// error.
func killGroup(pid int) error {
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return err
	}
	return nil
}
