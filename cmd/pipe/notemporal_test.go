//go:build notemporal

package main

import (
	"bytes"
	"strings"
	"testing"
)

// Without Temporal, its commands and flags parse and say what is missing.
func TestNoTemporalSaysWhatIsMissing(t *testing.T) {
	for _, args := range [][]string{
		{"worker", "--temporal", "localhost:7233", "--allow-dangerous"},
		{"status", "r1", "--wait"},
		{"cancel", "r1"},
		{"run", "../../pipelines/example.yaml", "--on", "temporal://localhost:7233/default", "--runs-dir", t.TempDir()},
	} {
		t.Run(args[0], func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(args, strings.NewReader(""), &stdout, &stderr)
			if code != exitUsage || !strings.Contains(stderr.String(), "built without Temporal") {
				t.Errorf("exit %d, stderr %s", code, stderr.String())
			}
		})
	}
}
