package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// resumeStaleSrc: e (exec) reads EXTRA from its environment, f (exec)
// reads data.txt under the base directory, k (echo) reads nothing, and
// b fails until the file ok exists in the directory pipe runs in.
const resumeStaleSrc = `name: p
nodes:
  e: {module: exec, with: {command: 'echo "extra=$EXTRA"'}}
  f: {module: exec, with: {command: 'cat data.txt'}}
  k: {module: echo, with: {x: fixed}}
  b: {module: exec, needs: [e, f, k], with: {command: 'test -e ok'}}
`

// A .env key the pipeline does not declare reaches programs: a change of
// its value, or of the .env file given at all, runs program nodes again,
// naming the key (never its value); a node without a program is kept.
func TestResumeRunsAgainProgramsWhoseEnvFileKeyChanged(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeStaleSrc, "data.txt": "x\n", "c.env": "EXTRA=one\n", "d.env": "EXTRA=two\n"})
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--config", "c.env"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"ok": ""})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--config", "d.env")
	if r.code != 0 || !strings.Contains(r.stderr, "extra=two") {
		t.Fatalf("resume with EXTRA changed: exit %d, want e run with two\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume with EXTRA changed", r, map[string]string{
		"e": engine.NotKeptPrefix, "f": engine.NotKeptPrefix, "k": "kept from run", "b": "",
	})
	if !strings.Contains(r.stdout, ": its program's environment changed: .env key EXTRA") || strings.Contains(r.stdout, "two") {
		t.Errorf("the reasons do not name EXTRA alone:\n%s", r.stdout)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--config", "d.env"); r.code != 0 || strings.Count(r.stdout, "kept from run") != 4 {
		t.Errorf("resume with the same .env: exit %d, want every node kept\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "[e] extra=\n") {
		t.Fatalf("resume without --config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume without --config", r, map[string]string{"e": engine.NotKeptPrefix, "k": "kept from run"})
	if !strings.Contains(r.stdout, ".env key EXTRA (not set now)") {
		t.Errorf("the reasons do not say EXTRA is gone:\n%s", r.stdout)
	}
}

// The base directory is where programs run and relative paths are read:
// resumed in another (--base-dir), every node runs again, saying both.
func TestResumeRunsAgainInAnotherBaseDir(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeStaleSrc, "x/data.txt": "from-x\n", "y/data.txt": "from-y\n"})
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--base-dir", "x"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"y/ok": "", "x/ok": ""})
	d := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--base-dir", "y", "--dry-run")
	if strings.Contains(d.stdout, " keep ") || !strings.Contains(d.stdout, "the base directory changed") {
		t.Errorf("resume --dry-run in y keeps a node: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--base-dir", "y")
	if r.code != 0 || !strings.Contains(r.stderr, "from-y") {
		t.Fatalf("resume in y: exit %d, want f run in y\n%s%s", r.code, r.stdout, r.stderr)
	}
	x, y := filepath.Join(dir, "x"), filepath.Join(dir, "y")
	if want := "the base directory changed (" + y + ", was " + x + ")"; !strings.Contains(r.stdout, want) {
		t.Errorf("the reasons do not say %q:\n%s", want, r.stdout)
	}
	wantReasons(t, "resume in y", r, map[string]string{"e": engine.NotKeptPrefix, "f": engine.NotKeptPrefix, "k": engine.NotKeptPrefix})
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--base-dir", "y"); r.code != 0 || strings.Count(r.stdout, "kept from run") != 4 {
		t.Errorf("resume in y again: exit %d, want every node kept\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// resumeDrySrc: f fans out over a list, m over a matrix; p gets the
// secret API_TOKEN in its program's environment; b fails until ok exists.
const resumeDrySrc = `name: p
config: {API_TOKEN: t0}
nodes:
  f: {module: echo, foreach: [u, v], with: {item: "${{ item }}"}}
  m: {module: echo, matrix: {a: [1, 2], b: [x]}, with: {item: "${{ item.a }}"}}
  p: {module: exec, with: {command: 'echo p'}}
  b: {module: exec, needs: [f, m, p], with: {command: 'test -e ok'}}
`

// A resumed dry run (text and --json) decides as the run does: a
// foreach's or a matrix's edited node runs again, and a secret set as
// in the earlier run is not "now from default".
func TestResumeDryRunDecidesAsTheRun(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeDrySrc})
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--set", "API_TOKEN=t1"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"ok": ""})
	editFile(t, dir, `item: "${{ item }}"`, `item: "x${{ item }}"`)
	editFile(t, dir, `item: "${{ item.a }}"`, `item: "x${{ item.a }}"`)
	would := func(stdout string) map[string]string {
		out := map[string]string{}
		for _, m := range regexp.MustCompile(`(?m)^(\w+)\s+\w+\s+(run|keep|skip|decide)\s+(.*)$`).FindAllStringSubmatch(stdout, -1) {
			out[m[1]] = m[2] + ": " + m[3]
		}
		return out
	}
	d := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--dry-run", "--set", "API_TOKEN=t1")
	w := would(d.stdout)
	for _, id := range []string{"f", "m"} {
		if !strings.HasPrefix(w[id], "run: ") || !strings.Contains(w[id], "its definition changed") {
			t.Errorf("dry run: %s would %q, want run, its definition changed\n%s%s", id, w[id], d.stdout, d.stderr)
		}
	}
	if !strings.HasPrefix(w["p"], "keep: ") {
		t.Errorf("dry run: p would %q, want keep (API_TOKEN set as it was)\n%s%s", w["p"], d.stdout, d.stderr)
	}
	j := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--dry-run", "--json", "--set", "API_TOKEN=t1")
	var ex []engine.Explanation
	if err := json.Unmarshal([]byte(j.stdout), &ex); err != nil {
		t.Fatalf("dry run --json: %v\n%s%s", err, j.stdout, j.stderr)
	}
	for _, x := range ex {
		if want := map[string]engine.Would{"f": engine.WouldRun, "m": engine.WouldRun, "p": engine.WouldKeep}[x.Node]; want != "" && x.Would != want {
			t.Errorf("dry run --json: %s would %s (%s), want %s", x.Node, x.Would, x.Why, want)
		}
	}
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--set", "API_TOKEN=t1")
	if r.code != 0 || strings.Count(r.stdout, ": its definition changed") != 4 {
		t.Errorf("resume: exit %d, want f's and m's instances run again\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume", r, map[string]string{"p": "kept from run"})
}

// --force keeps an edited node, and its record says the definition that
// made its outputs: a later resume without --force runs it again.
func TestResumeAfterForceRunsAgainWhatForceKept(t *testing.T) {
	dir := resumeDefScratch(t)
	editFile(t, dir, `\"v\": 1`, `\"v\": 2`)
	editFile(t, dir, "; test -e ok", "; true")
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--force")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 1") {
		t.Fatalf("resume --force: exit %d, want 0 and b given a's kept v\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "[b] b 2") {
		t.Fatalf("resume after --force: exit %d, want a run again and b given v 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume after --force", r, map[string]string{"a": engine.NotKeptPrefix, "c": "kept from run", "e": "kept from run"})
	if !strings.Contains(r.stdout, ": its definition changed") {
		t.Errorf("a's reason does not say its definition changed:\n%s", r.stdout)
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last"); r.code != 0 || strings.Count(r.stdout, "kept from run") != 5 {
		t.Errorf("resume again: exit %d, want every node kept\n%s%s", r.code, r.stdout, r.stderr)
	}
}
