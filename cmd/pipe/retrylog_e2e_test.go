package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A retried node's log (pipe logs, and its .log file) says where each
// attempt starts: a line `--- attempt N of M (after: ERROR) ---` after
// the output of the attempt that failed, on a line of its own even when
// that output ended mid-line, the error's secrets masked. The attempts
// ran into each other.
func TestRetrySeparatesAttemptsInLogs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": flakyPipeline})
	runs := filepath.Join(dir, "runs")
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--runs-dir", runs); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	wantRetryLog(t, dir, runs, "exit status 3", "refused by ***")
}

// flakyPipeline's node flaky fails twice (exit 3, then refused by its
// secret), then succeeds; each attempt ends its stderr mid-line.
const flakyPipeline = `name: retry
config: {API_TOKEN: hunter2-very-secret}
nodes:
  flaky:
    module: exec
    retries: {limit: 2, backoff: 1ms}
    with:
      command: |
        n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
        echo "try $n"
        printf 'no newline' >&2
        [ $n -ge 3 ] && exit 0
        [ $n -eq 1 ] && exit 3
        echo '{"status": "error", "message": "refused by ${{ config.API_TOKEN }}"}'
`

// wantRetryLog checks that the log of flakyPipeline's last run in runs,
// its file and what pipe logs prints, parts its attempts, which failed
// with first and second.
func wantRetryLog(t *testing.T, dir, runs, first, second string) {
	t.Helper()
	r := pipeIn(t, dir, nil, "logs", "last", "flaky", "--runs-dir", runs)
	if r.code != 0 {
		t.Fatalf("logs: exit %d\n%s", r.code, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(runs, "*", "flaky.log"))
	if len(files) != 1 {
		t.Fatalf("log files %v", files)
	}
	file, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"try 1", "no newline", "--- attempt 2 of 3 (after: " + first + ") ---",
		"try 2", `{"status": "error", "message": "refused by ***"}`, "no newline", "--- attempt 3 of 3 (after: " + second + ") ---", "try 3", "no newline"}
	for what, text := range map[string]string{"pipe logs": r.stdout, "the log file": string(file)} {
		if got := logLines(text); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n%s\nwant the lines\n%s", what, text, strings.Join(want, "\n"))
		}
	}
}

// logLines returns the lines of a node's log, without the time and
// stream that start the programs' lines.
func logLines(text string) []string {
	var got []string
	for line := range strings.Lines(text) {
		if _, rest, ok := strings.Cut(line, " stdout "); ok {
			line = rest
		} else if _, rest, ok := strings.Cut(line, " stderr "); ok {
			line = rest
		}
		got = append(got, strings.TrimSuffix(line, "\n"))
	}
	return got
}
