//go:build notemporal && unix

package main

import (
	"os"
	"syscall"
)

// execve replaces this process; a variable so that tests can watch it.
var execve = syscall.Exec

// handOver replaces this process with path running args: signals, the
// terminal and the exit code are the full build's, with no relay.
func handOver(path string, args []string) error {
	return execve(path, append([]string{path}, args...), os.Environ())
}
