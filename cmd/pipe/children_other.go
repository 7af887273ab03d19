//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// ownProcess does nothing: no process groups here.
func ownProcess(*exec.Cmd) {}

// killGroup kills the process pid.
func killGroup(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	return p.Kill()
}
