package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// toleratedSrc fails a node each way one can fail under
// continue_on_error: its program, its `when`, an instance of its
// foreach, a node of the pipeline it runs (sub.yaml's fail). A secret
// that is a word of what says so (engine.Tolerated) does not hide it.
const toleratedSrc = `name: tolerated
config: {X: zz, RUN_TOKEN: run}
nodes:
  ok: {module: echo, with: {message: fine}}
  prog:
    module: exec
    with: {command: [sh, -c, "exit 3"]}
    continue_on_error: true
  gate:
    module: echo
    when: int(config.X) > 1
    continue_on_error: true
  fan:
    module: exec
    foreach: [1, 2]
    with: {command: [sh, -c, "test ${{ item }} = 1"]}
    continue_on_error: true
  sub:
    module: pipeline
    with: {file: sub.yaml}
    continue_on_error: true
`

// A failure that continue_on_error lets the run go past is counted as a
// tolerated error wherever nodes are counted (the summary, pipe runs and
// its --json), and said so in the rows of the summary and of pipe show,
// not as an error next to a success (the run's status). The record keeps
// the node's status, error.
func TestToleratedFailuresAreCountedApart(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"tolerated.yaml": toleratedSrc,
		"mixed.yaml":     "name: mixed\nnodes:\n  hard: {module: exec, with: {command: [sh, -c, 'exit 1']}}\n  soft: {module: exec, with: {command: [sh, -c, 'exit 1']}, continue_on_error: true}\n",
		"sub.yaml":       "name: sub\nnodes:\n  fine: {module: echo}\n  fail: {module: exec, with: {command: [sh, -c, 'exit 2']}}\n",
	})
	for _, tc := range []struct {
		file      string
		code      int
		counts    string // the summary's and pipe runs'
		tolerated int
		rows      []string // nodes whose rows say they were tolerated
	}{
		// ok, fan[1], sub/fine; prog, gate, fan[2], sub, sub/fail
		{"tolerated.yaml", 0, "3 success, 5 tolerated error", 5, []string{"prog", "gate", "fan[2]", "sub"}},
		{"mixed.yaml", 1, "1 error, 1 tolerated error", 1, []string{"soft"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			runs := filepath.Join(t.TempDir(), "runs")
			r := pipeIn(t, dir, nil, "run", tc.file, "--runs-dir", runs)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tc.code, r.stdout, r.stderr)
			}
			status := map[int]string{0: "success", 1: "error"}[tc.code]
			summary := regexp.MustCompile(`run \S+: ` + status + ` in \S+ \(` + regexp.QuoteMeta(tc.counts) + `\)`)
			if !summary.MatchString(r.stdout) {
				t.Errorf("summary: want %s (%s)\n%s", status, tc.counts, r.stdout)
			}
			shown := pipeIn(t, dir, nil, "show", "last", "--runs-dir", runs)
			for _, node := range tc.rows {
				for what, out := range map[string]string{"summary": r.stdout, "show": shown.stdout} {
					if !rowSays(out, node, "(tolerated: continue_on_error)") && !rowSays(out, node, engine.Tolerated) {
						t.Errorf("%s: the row of %s does not say it was tolerated:\n%s", what, node, out)
					}
				}
			}
			if rowSays(r.stdout, "hard", "tolerated") {
				t.Errorf("the row of hard says it was tolerated:\n%s", r.stdout)
			}
			listed := pipeIn(t, dir, nil, "runs", "--runs-dir", runs)
			if !strings.Contains(listed.stdout, " "+tc.counts+"\n") {
				t.Errorf("pipe runs: want %q\n%s%s", tc.counts, listed.stdout, listed.stderr)
			}
			listed = pipeIn(t, dir, nil, "runs", "--json", "--runs-dir", runs)
			var sums []struct { // as a script reads it
				Counts    map[string]int
				Tolerated int
			}
			if err := json.Unmarshal([]byte(listed.stdout), &sums); err != nil || len(sums) != 1 {
				t.Fatalf("pipe runs --json: %v\n%s", err, listed.stdout)
			}
			if sums[0].Tolerated != tc.tolerated || sums[0].Counts["error"] < tc.tolerated {
				t.Errorf("pipe runs --json: counts %v, %d tolerated; want %d tolerated among the errors", sums[0].Counts, sums[0].Tolerated, tc.tolerated)
			}
		})
	}
}

// rowSays reports whether the table row of node in out holds text.
func rowSays(out, node, text string) bool {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, node+" ") && strings.Contains(line, text) {
			return true
		}
	}
	return false
}
