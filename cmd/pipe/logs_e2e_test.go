package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A failure is logged once, not once by the engine and again by the CLI.
func TestFailureIsLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: 'echo kaput-4711 >&2; exit 3'}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "exit status 3"); n != 1 {
		t.Errorf("the failure is logged %d times:\n%s", n, r.stderr)
	}
}

// JSON logs are for machines: RFC 3339 times with milliseconds, durations
// as numbers of milliseconds, and the node's id as the attribute "node".
func TestJSONLogs(t *testing.T) {
	r := pipe(t, "--log-format", "json", "run", "pipelines/example.yaml", "--runs-dir", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	done := 0
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ts, _ := m["time"].(string)
		if at, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.Contains(ts, ".") || at.IsZero() {
			t.Errorf("time %q is not RFC 3339 with milliseconds", ts)
		}
		if _, prefixed := m["prefix"]; prefixed {
			t.Errorf("line %q names its node as a prefix", line)
		}
		if m["msg"] == "done" {
			done++
			if _, ok := m["duration_ms"].(float64); !ok || m["node"] == nil {
				t.Errorf("line %q: want node and a numeric duration_ms", line)
			}
		}
	}
	if done == 0 {
		t.Errorf("no node's end was logged:\n%s", r.stderr)
	}
}

// A failing node's last lines of output are in the summary, whole.
func TestSummaryShowsTheEndOfAFailure(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: 'echo compiling >&2; echo \"main.go:3: undefined: x\" >&2; exit 3'}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "  | main.go:3: undefined: x\n") || strings.Contains(r.stdout, "\tstderr ends:") {
		t.Errorf("exit %d, summary:\n%s", r.code, r.stdout)
	}
}
