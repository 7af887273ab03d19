package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeDot puts a dot on PATH that starts a child, writes its own pid and
// its child's to a file, and waits: a 5,000-node graph's dot, minutes
// long. It returns the PATH and the file.
func fakeDot(t *testing.T) (path, pids string) {
	t.Helper()
	bin := t.TempDir()
	pids = filepath.Join(bin, "pids")
	script := "#!/bin/sh\nsleep 300 &\necho \"$$ $!\" > " + pids + ".tmp && mv " + pids + ".tmp " + pids + "\nwait\n"
	if err := os.WriteFile(filepath.Join(bin, "dot"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), pids
}

// running reports whether process pid runs (a zombie does not: it waits
// for its new parent to reap it).
func running(pid int) bool {
	for _, p := range procs() {
		if p.pid == pid {
			return p.state != 'Z'
		}
	}
	return false
}

// dot dies with pipe graph: at a signal that ends pipe (exit 130), dot
// and what it started, its process group; at SIGKILL, which pipe cannot
// catch, dot itself (the kernel's death signal).
func TestGraphDotDiesWithPipe(t *testing.T) {
	tests := []struct {
		name  string
		sig   syscall.Signal
		code  int
		group bool // dot's child dies too
	}{
		{"SIGTERM", syscall.SIGTERM, exitInterrupted, true},
		{"SIGINT", syscall.SIGINT, exitInterrupted, true},
		{"SIGKILL", syscall.SIGKILL, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, pidFile := fakeDot(t)
			cmd := exec.Command(pipeBin, "graph", "pipelines/example.yaml", "-T", "svg", "-o", filepath.Join(t.TempDir(), "g.svg"))
			cmd.Dir = "../.."
			cmd.Env = append(os.Environ(), path)
			var stderr syncBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var pids []int
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				for _, pid := range pids {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			})
			waitUntil(t, 10*time.Second, func() bool {
				data, err := os.ReadFile(pidFile)
				if err != nil {
					return false
				}
				for _, f := range strings.Fields(string(data)) {
					pid, _ := strconv.Atoi(f)
					pids = append(pids, pid)
				}
				return true
			}, func() string { return "dot never started: " + stderr.String() })
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("pipe: exit %d (%v), want %d\n%s", code, err, tt.code, stderr.String())
			}
			watched := pids[:1]
			if tt.group {
				watched = pids
			}
			waitUntil(t, 10*time.Second, func() bool {
				for _, pid := range watched {
					if running(pid) {
						return false
					}
				}
				return true
			}, func() string { return fmt.Sprintf("dot (or its child) still runs after pipe ended: pids %v", watched) })
		})
	}
}
