//go:build !notemporal

package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// remoteOutputSecret is the secret the nodes print: it must not show.
const remoteOutputSecret = "pw-e2e-9f3a1c"

// A run on Temporal shows what its nodes printed on their workers, as a
// local run shows its nodes' lines: a failed node's stdout and stderr
// (the end of each of its attempts), masked; a long output's last lines,
// saying where the rest is.
func TestRemoteRunShowsWhatNodesPrinted(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-output-" + engine.NewRunID()
	writeFiles(t, dir, map[string]string{"p.yaml": `name: printed
config: {DB_PASSWORD: changeme}
nodes:
  talk:
    module: exec
    retries: {limit: 1, backoff: 10ms}
    with:
      command: [sh, -c, 'echo "out of try $PIPE_TRY, key $0"; echo "err of the program" >&2; echo "[e2e] {not json"; exit 3', "${{ config.DB_PASSWORD }}"]
      env: {PIPE_TRY: x}
  flood:
    module: exec
    with:
      command: [sh, -c, 'i=0; while [ $i -lt 1000 ]; do echo "flood line $i"; i=$((i+1)); done']
`})
	env := []string{"DB_PASSWORD=" + remoteOutputSecret}
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", "w-out")
	on := []string{"--on", "temporal://" + addr + "/default", "--task-queue", queue}

	for _, tt := range []struct {
		mode string
		// shown: whether the lines show; grouped: talk's lines come in
		// one block, before its end.
		shown, grouped bool
	}{
		{"prefixed", true, false},
		{"grouped", true, true},
		{"quiet", false, false},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			r := pipeIn(t, dir, env, append([]string{"run", "p.yaml", "--output", tt.mode}, on...)...)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1 (talk fails):\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, remoteOutputSecret) {
				t.Errorf("the secret shows:\n%s\n%s", r.stdout, r.stderr)
			}
			want := []string{
				"[talk] [attempt 1 on worker w-out, run again after it]",
				"[talk] out of try x, key ***",
				"[talk] err of the program",
				"[talk] [e2e] {not json",
				"[talk] [attempt 2 on worker w-out]",
				"[flood] flood line 999",
				"earlier lines on worker w-out: ", // and the log file's path
			}
			for _, w := range want {
				if got := strings.Contains(r.stderr, w); got != tt.shown {
					t.Errorf("%q shown: %v, want %v:\n%s", w, got, tt.shown, r.stderr)
				}
			}
			if tt.shown {
				cut := regexp.MustCompile(`\[flood\] \[\.\.\. (\d+) earlier lines on worker w-out: \S+flood\.log\]\n\[flood\] flood line (\d+)\n`).FindStringSubmatch(r.stderr)
				if cut == nil || cut[1] != cut[2] {
					t.Errorf("flood's output is not cut with a note that counts the lines left out (%v):\n%s", cut, r.stderr)
				}
				if strings.Contains(r.stderr, "[flood] flood line 0\n") {
					t.Errorf("flood's first line shows: only the last ones should:\n%s", r.stderr)
				}
			}
			if tt.shown {
				// Under the node: after its start, before its end.
				started, first := strings.Index(r.stderr, "talk: started"), strings.Index(r.stderr, "[talk] [attempt 1 ")
				last, failed := strings.Index(r.stderr, "[talk] [attempt 2 "), strings.Index(r.stderr, "talk: failed")
				if started < 0 || first < started || failed < last {
					t.Errorf("talk's lines are not between its start and its end:\n%s", r.stderr)
				}
			}
			if tt.grouped {
				// Both attempts' lines in one block, then its end.
				block := regexp.MustCompile(`(?s)\[talk\] \[attempt 1 .*\[talk\] \[attempt 2 [^\n]*\n(\[talk\] [^\n]*\n){3}[^\n]*talk: failed`)
				if !block.MatchString(r.stderr) {
					t.Errorf("talk's lines are not one block before its end:\n%s", r.stderr)
				}
			}
		})
	}

	// With --json, stdout is the record alone.
	r := pipeIn(t, dir, env, append([]string{"run", "p.yaml", "--json"}, on...)...)
	var rec map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || r.code != 1 {
		t.Errorf("--json: exit %d, stdout is not one JSON record (%v):\n%s", r.code, err, r.stdout)
	}
	if !strings.Contains(r.stderr, "[talk] err of the program") {
		t.Errorf("--json: the nodes' lines are not on stderr:\n%s", r.stderr)
	}
	// The log file on the worker holds the whole output.
	logs, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*", "flood.log"))
	if len(logs) == 0 {
		t.Errorf("the worker wrote no log file of flood")
	}
}
