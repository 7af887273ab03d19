//go:build !notemporal

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// On Temporal too, what a parent hands a sub-pipeline's secret key
// through `set:` is masked in the parent's record: the workflow compiles
// no sub-pipeline, so the client says which values those are.
func TestSetIntoAChildsSecretOnTemporal(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-set-secret-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "child.yaml"), []byte(`name: child
config: {DB_PASSWORD: ""}
nodes:
  a: {module: echo, with: {p: "${{ config.DB_PASSWORD }}"}}
outputs:
  pw: ${{ config.DB_PASSWORD }}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`name: parent
config: {DBPW: ""}
nodes:
  c: {module: pipeline, with: {file: child.yaml, set: {DB_PASSWORD: "${{ config.DBPW }}"}}}
outputs:
  pw: ${{ nodes.c.outputs.pw }}
`), 0o644)
	run := runOnAWorker(t, dir, addr, queue, "p.yaml", "--set", "DBPW=realprodpw")
	if code := run.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d:\n%s", code, run.stderr)
	}
	if strings.Contains(run.stderr.String(), "realprodpw") {
		t.Errorf("the client shows the secret:\n%s", run.stderr)
	}
	m, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*.json"))
	for _, f := range m {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "realprodpw") {
			t.Errorf("the record %s shows the secret", f)
		}
	}
	if len(m) == 0 {
		t.Error("no record")
	}
}
