//go:build notemporal

package main

// Built with -tags notemporal, pipe leaves the Temporal SDK out: its
// package inits and a binary twice the size cost every command about 5 ms
// of start-up (see testdata/bench/startup.sh), a doubling for `pipe
// --version`. The commands stay, and say what is missing.

import "github.com/pipe-run/pipe/engine"

const noTemporal = "this pipe was built without Temporal (-tags notemporal); use a pipe built without that tag"

// temporalConn takes the Temporal flags of run, and nothing else.
type temporalConn struct {
	Namespace string `help:"Temporal namespace (not in this build)." placeholder:"NS"`
}

type remoteRun struct {
	cmd  *runCmd
	plan *engine.Plan
	sel  engine.Options
	from map[string]string
}

func (*remoteRun) run(*env, int, *output) error { return fail(exitUsage, "--on: %s", noTemporal) }

// temporalStub is a Temporal command of this build: it takes any arguments,
// so that the user hears what is missing rather than of an unknown flag.
type temporalStub struct {
	Args []string `arg:"" optional:"" passthrough:""`
}

type (
	workerCmd struct{ temporalStub }
	statusCmd struct{ temporalStub }
	cancelCmd struct{ temporalStub }
)

func (*temporalStub) Run(*env) error { return fail(exitUsage, "%s", noTemporal) }
