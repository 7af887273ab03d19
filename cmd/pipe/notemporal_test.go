//go:build notemporal && unix

package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

var temporalCommands = [][]string{
	{"worker", "--temporal", "localhost:7233", "--allow-dangerous"},
	{"status", "r1", "--wait"},
	{"cancel", "r1"},
	{"run", "../../pipelines/example.yaml", "--on", "temporal://localhost:7233/default", "--namespace", "ns", "--task-queue", "q", "--tls", "--enable-dangerous-ai"},
}

// Without Temporal, its commands hand the whole command line, as given,
// to the full build in place of this process.
func TestNoTemporalHandsTheCommandOver(t *testing.T) {
	t.Setenv("PIPE_TEMPORAL_BIN", "/opt/pipe-temporal")
	var got []string
	orig := execve
	execve = func(path string, argv, env []string) error {
		got = argv
		return nil
	}
	t.Cleanup(func() { execve = orig })
	for _, args := range temporalCommands {
		t.Run(args[0], func(t *testing.T) {
			got = nil
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			want := append([]string{"/opt/pipe-temporal"}, args...)
			if code != exitOK || !slices.Equal(got, want) {
				t.Errorf("exit %d, exec %q, want %q; stderr %s", code, got, want, stderr.String())
			}
		})
	}
}

// Without a full build to hand over to, they say how to make one.
func TestNoTemporalSaysWhatIsMissing(t *testing.T) {
	t.Setenv("PIPE_TEMPORAL_BIN", "")
	t.Setenv("PATH", t.TempDir())
	for _, args := range temporalCommands {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), "go build -o pipe-temporal ./cmd/pipe") {
				t.Errorf("exit %d, stderr %s", code, stderr.String())
			}
		})
	}
}
