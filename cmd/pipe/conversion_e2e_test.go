package main

import (
	"strings"
	"testing"
)

// int('zz') in a when and in a with, the value set with --set: the
// failure names the value and where it was set, at the expression's
// file:line:col, in the log, the summary and pipe show.
func TestConversionFailureNamesTheValue(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"conv.yaml": `name: conv
config: {X: "5"}
nodes:
  gate: {module: echo, when: int(config.X) > 1}
  take: {module: echo, with: {message: "n=${{ float(config.X) }}"}}
`})
	r := pipeIn(t, dir, nil, "run", "conv.yaml", "--set", "X=zz", "--runs-dir", "runs")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	shown := pipeIn(t, dir, nil, "show", "last", "--runs-dir", "runs")
	for _, want := range []string{
		`conv.yaml:4:30: when: int(config.X) > 1: cannot make a whole number of "zz" (config.X, from --set)`,
		`conv.yaml:5:47: input message: ${{ float(config.X) }}: cannot make a number of "zz" (config.X, from --set)`,
	} {
		for what, out := range map[string]string{"log": strings.ReplaceAll(r.stderr, `\"`, `"`), "summary": r.stdout, "show": shown.stdout} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: want %s\n%s", what, want, out)
			}
		}
	}
}
