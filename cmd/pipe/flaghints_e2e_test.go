package main

import (
	"strings"
	"testing"
)

// Flags of other tools (--quiet, -v, -j) get pipe's way of saying the
// same, not the nearest name (--quiet is no typo of --set), wherever on
// the command line they are; a command without that way gets no guess.
func TestOtherToolsFlags(t *testing.T) {
	const file = "testdata/good/params.yaml"
	tests := []struct {
		args      []string
		want, not string
	}{
		{[]string{"run", file, "--quiet"}, "unknown flag --quiet: neither pipe run nor the config of " + file + " has it (did you mean --output quiet?)", "--set?"},
		{[]string{"run", "--quiet", file}, "unknown flag --quiet (did you mean --output quiet?)", "--set?"},
		{[]string{"run", file, "-q"}, "unknown flag -q (did you mean --output quiet?)", `"-s"`},
		{[]string{"run", file, "-v"}, "unknown flag -v (did you mean --debug?)", `"-h"`},
		{[]string{"run", file, "--jobs", "3"}, "(did you mean --max-parallel N?)", "--json"},
		{[]string{"run", file, "--env", "A=1"}, "(did you mean --set KEY=VALUE?)", "--on?"},
		{[]string{"explain", file, "--quiet"}, "unknown flag --quiet: neither pipe explain nor the config of " + file + " has it;", "did you mean"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := pipe(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stderr, tt.not) {
				t.Errorf("exit %d, want %d\nstderr: %s\nwant %q, not %q", r.code, exitUsage, r.stderr, tt.want, tt.not)
			}
		})
	}
}
