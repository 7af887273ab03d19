// Command gofloor starts one program, /bin/true by default, and waits for
// it: the least any Go program that runs a 1-node pipeline pays (the Go
// runtime's start-up, os/exec), against which ../startup.sh sets pipe's
// and make's times. Built like pipe, so linked the same way.
//
//	go run ./testdata/bench/gofloor [PROGRAM]
package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	prog := "/bin/true"
	if len(os.Args) > 1 {
		prog = os.Args[1]
	}
	if err := exec.Command(prog).Run(); err != nil {
		fmt.Fprintln(os.Stderr, "gofloor:", err)
		os.Exit(1)
	}
}
