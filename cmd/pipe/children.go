package main

import (
	"os/exec"
	"sync"
)

// children are the programs pipe's own commands start (graph's dot), each
// in a process group of its own: killed with pipe when a signal ends it at
// once (exitOnSignal), which ends nothing else. On Linux the kernel kills
// them also when pipe dies without a word (SIGKILL), see ownProcess.
var children struct {
	mu   sync.Mutex
	pids map[int]bool // guarded by mu
}

// startChild starts cmd in a process group of its own, listed until
// waitChild; cancelling the context of an exec.CommandContext kills the
// group.
func startChild(cmd *exec.Cmd) error {
	ownProcess(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	children.mu.Lock()
	defer children.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	if children.pids == nil {
		children.pids = map[int]bool{}
	}
	children.pids[cmd.Process.Pid] = true
	return nil
}

// waitChild waits for cmd, started by startChild, and unlists it.
func waitChild(cmd *exec.Cmd) error {
	err := cmd.Wait()
	children.mu.Lock()
	delete(children.pids, cmd.Process.Pid)
	children.mu.Unlock()
	return err
}

// killChildren kills the process groups of the children still listed:
// pipe is about to exit. They stay listed: pipe exits.
func killChildren() {
	children.mu.Lock()
	defer children.mu.Unlock()
	for pid := range children.pids {
		_ = killGroup(pid)
	}
}
