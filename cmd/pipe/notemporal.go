//go:build notemporal

package main

// Built with -tags notemporal, pipe leaves the Temporal SDK out: its
// package inits and a binary twice the size cost every command about 5 ms
// of start-up (see testdata/bench/startup.sh), a doubling for `pipe
// --version`. Go has no lazy package init, so not linking it is the only
// way to keep it from running. The Temporal commands (worker, status,
// cancel, run --on) stay: they hand the command line over to a pipe
// built with Temporal (see temporalBinary), or say how to get one.

import (
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pipe-run/pipe/engine"
)

// temporalBinaryName is the name of the full build beside this one:
// go build -o pipe-temporal ./cmd/pipe.
const temporalBinaryName = "pipe-temporal"

type remoteRun struct {
	cmd  *runCmd
	plan *engine.Plan
	sel  engine.Options
	from map[string]string
}

func (*remoteRun) run(e *env, _ int, _ *output) error { return toTemporal(e) }

// temporalStub is a Temporal command of this build: it takes any
// arguments, since the full build checks them.
type temporalStub struct {
	Args []string `arg:"" optional:"" passthrough:""`
}

type (
	workerCmd struct{ temporalStub }
	statusCmd struct{ temporalStub }
	cancelCmd struct{ temporalStub }
)

func (*temporalStub) Run(e *env) error { return toTemporal(e) }

// temporalBinary finds the full build: $PIPE_TEMPORAL_BIN, else
// pipe-temporal beside this executable, else on PATH.
func temporalBinary() (string, bool) {
	if p := os.Getenv("PIPE_TEMPORAL_BIN"); p != "" {
		return p, true
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), temporalBinaryName)
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	p, err := exec.LookPath(temporalBinaryName)
	return p, err == nil
}

// toTemporal runs the command line in the full build, in place of this
// process where the system allows (handOver).
func toTemporal(e *env) error {
	path, ok := temporalBinary()
	if !ok {
		return fail(exitUsage, "this pipe was built without Temporal (-tags notemporal) and finds no %s beside it or on PATH "+
			"(nor $PIPE_TEMPORAL_BIN): build one with `go build -o %s ./cmd/pipe`", temporalBinaryName, temporalBinaryName)
	}
	if err := handOver(path, e.args); err != nil {
		return fail(exitFailed, "handing over to %s: %w", path, err)
	}
	return nil
}
