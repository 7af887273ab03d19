//go:build notemporal && !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// handOver runs path with args and exits with its code: without exec(2),
// this process stays in between.
func handOver(path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
