package main

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// resumeDefSrc is a pipeline whose node b fails until the file ok exists:
// a and b are programs (exec), c and e are not (echo); c reads LABEL, e
// reads no config.
const resumeDefSrc = `name: p
config: {LABEL: one}
nodes:
  a: {module: exec, with: {command: 'echo "{\"v\": 1}"'}}
  c: {module: echo, with: {label: '${{ config.LABEL }}'}}
  e: {module: echo, with: {x: fixed}}
  b: {module: exec, needs: [a, c], with: {command: 'echo b ${{ nodes.a.outputs.v }}; test -e ok'}}
  d: {module: echo, needs: b}
`

// resumeDefScratch writes resumeDefSrc into a new directory, runs it
// once (b fails) and returns the directory.
func resumeDefScratch(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeDefSrc})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	return dir
}

// editFile replaces old with new in dir's p.yaml; old must be there.
func editFile(t *testing.T, dir, old, new string) {
	t.Helper()
	path := filepath.Join(dir, "p.yaml")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("p.yaml holds no %q (%v)", old, err)
	}
	writeFiles(t, dir, map[string]string{"p.yaml": strings.Replace(string(data), old, new, 1)})
}

// reasons returns each node's reason in the summary pipe run prints.
func reasons(stdout string) map[string]string {
	out := map[string]string{}
	row := regexp.MustCompile(`(?m)^(\S+)[ \t]+(success|error|skipped|cancelled)[ \t]+(?:\S+[ \t]+\d+[ \t]+)?(.*?)[ \t]*$`)
	for _, m := range row.FindAllStringSubmatch(stdout, -1) {
		out[m[1]] = m[3]
	}
	return out
}

// wantReasons checks that each node's reason starts with want's ("" for
// none at all).
func wantReasons(t *testing.T, what string, r result, want map[string]string) {
	t.Helper()
	got := reasons(r.stdout)
	for _, id := range slices.Sorted(maps.Keys(want)) {
		w := want[id]
		if g, ok := got[id]; !ok || (w == "" && g != "") || !strings.HasPrefix(g, w) {
			t.Errorf("%s: node %s's reason is %q, want %q\n%s%s", what, id, g, w, r.stdout, r.stderr)
		}
	}
}

// The everyday workflow: fix the failed node's command, resume. The
// others are kept; the fixed node and the one below it run.
func TestResumeAfterFixingTheFailedNode(t *testing.T) {
	dir := resumeDefScratch(t)
	editFile(t, dir, "; test -e ok", "; true")
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 1") {
		t.Fatalf("resume after the fix: exit %d, want 0 and b run\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume after the fix", r, map[string]string{
		"a": "kept from run", "c": "kept from run", "e": "kept from run", "b": "", "d": "",
	})
}

// An edit to a kept node's command runs it again, and the nodes below it,
// each saying why; the others are kept. A dry run says the same.
func TestResumeRunsAgainAnEditedNodeAndWhatIsBelow(t *testing.T) {
	dir := resumeDefScratch(t)
	editFile(t, dir, "; test -e ok", "; true")
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last"); r.code != 0 {
		t.Fatalf("resume after the fix: exit %d\n%s", r.code, r.stderr)
	}
	editFile(t, dir, `\"v\": 1`, `\"v\": 2`)
	d := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--dry-run")
	if !strings.Contains(d.stdout, "its definition changed") {
		t.Errorf("resume --dry-run does not say a's definition changed: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 2") {
		t.Fatalf("resume after editing a: exit %d, want 0 and b given a's new v\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume after editing a", r, map[string]string{
		"a": engine.NotKeptPrefix, "b": engine.NotKeptPrefix, "d": engine.NotKeptPrefix,
		"c": "kept from run", "e": "kept from run",
	})
	if !strings.Contains(r.stdout, ": its definition changed") || !strings.Contains(r.stdout, ": its need a was not kept") {
		t.Errorf("the reasons do not say why:\n%s", r.stdout)
	}
}

// Comments, key order, quoting, flow or block style and blank lines are
// not a node's definition: after such edits every node is kept.
func TestResumeKeepsThroughAReformattedFile(t *testing.T) {
	dir := resumeDefScratch(t)
	editFile(t, dir, "; test -e ok", "; true")
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last"); r.code != 0 {
		t.Fatalf("resume after the fix: exit %d\n%s", r.code, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"p.yaml": `# the same pipeline, written otherwise
name: p

config:
  LABEL: "one"   # quoted now

nodes:
  e: {with: {x: "fixed"}, module: echo}
  d:
    needs: [b]
    module: echo
  b:
    # needs in another order, as a block
    needs:
      - c
      - a
    module: exec
    with:
      command: "echo b ${{ nodes.a.outputs.v }}; true"

  c:
    module: "echo"
    with: {label: "${{ config.LABEL }}"}
  a: {module: exec, with: {command: 'echo "{\"v\": 1}"'}}
`})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || strings.Count(r.stdout, "kept from run") != 5 || strings.Contains(r.stdout, engine.NotKeptPrefix) {
		t.Errorf("resume after reformatting: exit %d, want every node kept\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A config value read by a kept node runs it again; a node that reads no
// config is kept. A program (exec) gets every config value in its
// environment: it runs again too, saying so.
func TestResumeRunsAgainWhatReadsAChangedConfig(t *testing.T) {
	dir := resumeDefScratch(t)
	writeFiles(t, dir, map[string]string{"ok": ""})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--set", "LABEL=two")
	if r.code != 0 {
		t.Fatalf("resume with LABEL set: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume with LABEL set", r, map[string]string{
		"c": engine.NotKeptPrefix, "a": engine.NotKeptPrefix, "e": "kept from run",
	})
	if !strings.Contains(r.stdout, ": what it reads changed: config LABEL (two, was one)") ||
		!strings.Contains(r.stdout, ": its program's environment changed: config LABEL (two, was one)") {
		t.Errorf("the reasons do not say which config changed:\n%s", r.stdout)
	}
	// The same config again: every node is kept.
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--set", "LABEL=two")
	if r.code != 0 || strings.Count(r.stdout, "kept from run") != 5 {
		t.Errorf("resume with LABEL as it was: exit %d, want every node kept\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A record of an earlier pipe holds no definitions: once the file
// changed, --resume of it refuses as it did, saying why; --force keeps
// every node anyway, an edited one included, and whatever config changed.
func TestResumeOfARecordWithoutDefinitions(t *testing.T) {
	dir := resumeDefScratch(t)
	runs, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*.json"))
	if len(runs) != 1 {
		t.Fatalf("records: %v", runs)
	}
	data, _ := os.ReadFile(runs[0])
	old := regexp.MustCompile(`,"definition":"[0-9a-f]+"`).ReplaceAll(data, nil)
	if len(old) == len(data) {
		t.Fatalf("the record holds no definition:\n%s", data)
	}
	os.WriteFile(runs[0], old, 0o600)
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--dry-run")
	if r.code != 0 || strings.Count(r.stdout, "kept from run") != 3 {
		t.Errorf("resume of an old record, nothing changed: exit %d, want a, c, e kept\n%s%s", r.code, r.stdout, r.stderr)
	}
	editFile(t, dir, `\"v\": 1`, `\"v\": 2`)
	editFile(t, dir, "; test -e ok", "; true")
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != exitFailed || !strings.Contains(r.stderr, "the pipeline file (or a sub-pipeline file) changed") ||
		!strings.Contains(r.stderr, "does not say what its nodes were") || !strings.Contains(r.stderr, "--force keeps them anyway") {
		t.Errorf("resume of an old record after an edit: exit %d, want %d and why\n%s%s", r.code, exitFailed, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--force", "--set", "LABEL=two")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 1") || strings.Count(r.stdout, "kept from run") != 3 {
		t.Errorf("resume --force of an old record: exit %d, want a (edited), c (LABEL changed) and e kept\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// --force keeps a node whatever changed, as it did: a record with
// definitions too.
func TestResumeForceKeepsAnEditedNode(t *testing.T) {
	dir := resumeDefScratch(t)
	editFile(t, dir, `\"v\": 1`, `\"v\": 2`)
	editFile(t, dir, "; test -e ok", "; true")
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--force", "--set", "LABEL=two")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 1") {
		t.Fatalf("resume --force: exit %d, want 0 and b given a's kept v\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume --force", r, map[string]string{"a": "kept from run", "c": "kept from run", "e": "kept from run", "b": ""})
	if rec := lastRunRecord(t, filepath.Join(dir, ".pipe", "runs")); rec.Nodes["a"].Definition == "" {
		t.Errorf("a kept node's record has no definition: %+v", rec.Nodes["a"])
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lastRunRecord reads the newest record of runs.
func lastRunRecord(t *testing.T, runs string) *engine.Record {
	t.Helper()
	m := mustGlob(t, filepath.Join(runs, "*.json"))
	if len(m) == 0 {
		t.Fatalf("no record in %s", runs)
	}
	rec, err := engine.ReadRecord(m[len(m)-1])
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
