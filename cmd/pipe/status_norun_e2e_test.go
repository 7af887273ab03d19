//go:build !notemporal

package main

import (
	"strings"
	"testing"
)

// pipe status of an id the runs directory does not have, with no server
// to ask: no such run here, and how to ask a server (exit 1); it said
// only "no Temporal address", a usage error, of what may be a typo.
func TestStatusOfAnUnknownRunWithoutAServer(t *testing.T) {
	r := pipeIn(t, t.TempDir(), []string{"PIPE_TEMPORAL_ADDRESS="}, "status", "nosuchid")
	if r.code != 1 || !strings.Contains(r.stderr, "nosuchid: no such run in .pipe/runs, and no Temporal server to ask of a run started elsewhere: give --on") {
		t.Errorf("exit %d, want 1 saying there is no such run here\n%s", r.code, r.stderr)
	}
}

// pipe status last where no run was ever recorded says so as pipe show
// does (the runs directory does not exist), not "no run on Temporal".
func TestStatusLastWithoutARunsDirectory(t *testing.T) {
	r := pipeIn(t, t.TempDir(), nil, "status", "last")
	if r.code != 1 || !strings.Contains(r.stderr, ".pipe/runs does not exist: no run was recorded there") {
		t.Errorf("exit %d, want 1 saying the runs directory does not exist\n%s", r.code, r.stderr)
	}
}
