//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// watchdogs returns the pids of pid's live watchdogs: children running
// awk (under sh) or pipe's own executable, each in a process group of its
// own.
func watchdogs(pid int) []int {
	comms := map[string]bool{filepath.Base(pipeBin): true}
	if awk, err := exec.LookPath("awk"); err == nil {
		comms[filepath.Base(awk)] = true
		if real, err := filepath.EvalSymlinks(awk); err == nil {
			comms[filepath.Base(real)] = true
		}
	}
	var out []int
	for _, p := range procs() {
		if p.ppid == pid && comms[p.comm] && p.pgid == p.pid && p.state != 'Z' {
			out = append(out, p.pid)
		}
	}
	return out
}

// A watchdog killed on its own is replaced at once: a SIGKILL of pipe
// afterwards still takes every program with it.
func TestWatchdogKilledFirstIsReplaced(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: [sleep, '300']}}\n  b: {module: exec, with: {command: 'sleep 301; echo x'}}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	seen := startKillable(t, cmd)
	var dogs []int
	waitUntil(t, 20*time.Second, func() bool {
		*seen, dogs = childGroups(cmd.Process.Pid), watchdogs(cmd.Process.Pid)
		return countIn(*seen, "sleep") == 2 && len(dogs) == 1
	}, func() string { return "the sleeps or the watchdog did not start:\n" + stderr.String() })
	groups := *seen

	first := dogs[0]
	syscall.Kill(first, syscall.SIGKILL)
	waitUntil(t, 5*time.Second, func() bool {
		dogs = watchdogs(cmd.Process.Pid)
		return len(dogs) == 1 && dogs[0] != first
	}, func() string { return "no new watchdog after the first was killed" })

	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	waitUntil(t, 5*time.Second, func() bool { return len(alive(groups)) == 0 },
		func() string { return "processes outlived pipe's SIGKILL: " + strings.Join(alive(groups), ", ") })
}
