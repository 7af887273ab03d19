package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// resumeScratch writes files into a new directory, runs pipe run p.yaml
// there (it must fail), makes the file fixed, which lets the pipeline's
// failing node pass, and runs pipe run p.yaml --resume last. It returns
// both runs.
func resumeScratch(t *testing.T, files map[string]string, between func(dir string)) (dir string, first, resumed result) {
	t.Helper()
	dir = t.TempDir()
	writeFiles(t, dir, files)
	first = pipeIn(t, dir, nil, "run", "p.yaml")
	if first.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", first.code, first.stdout, first.stderr)
	}
	if between != nil {
		between(dir)
	}
	writeFiles(t, dir, map[string]string{"fixed": ""})
	return dir, first, pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
}

// A node whose outputs held a secret is recorded with *** there: --resume
// runs it again, and says why, rather than hand the nodes below ***.
func TestResumeDoesNotHandOnMaskedSecrets(t *testing.T) {
	dir, _, r := resumeScratch(t, map[string]string{
		"rl.py": "def main():\n    import os\n    k = os.environ['API_KEY']\n    return {'k': k, 'dsn': 'postgres://u:' + k + '@db/x'}\n",
		"p.yaml": `name: p
config: {API_KEY: "keykeykey123"}
nodes:
  a: {module: python, with: {path: rl.py}}
  b:
    module: exec
    needs: a
    with: {command: 'test -f fixed && test "${{ nodes.a.outputs.dsn }}" = postgres://u:keykeykey123@db/x && echo dsn-ok'}
`}, nil)
	if r.code != 0 || !strings.Contains(r.stderr, "[b] dsn-ok") {
		t.Errorf("resume: exit %d, want 0 and b given the real dsn\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `a: started module=python reason="not kept from run `) || !strings.Contains(r.stdout, "its outputs held a secret") {
		t.Errorf("resume does not say why a ran again:\n%s%s", r.stdout, r.stderr)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*.json"))
	for _, f := range runs {
		if data, _ := os.ReadFile(f); strings.Contains(string(data), "keykeykey123") {
			t.Errorf("%s holds the secret:\n%s", f, data)
		}
	}
	if len(runs) != 2 {
		t.Errorf("records: %v", runs)
	}
}

// --resume gives the nodes below a kept node its NaN, infinities and -0
// as numbers, as the first run did: not the text the record holds them as.
func TestResumeKeepsSpecialFloatsNumbers(t *testing.T) {
	_, _, r := resumeScratch(t, map[string]string{
		"fit.py": "def main():\n    return {'score': float('inf'), 'zero': -0.0}\n",
		"p.yaml": `name: p
nodes:
  fit: {module: python, with: {path: fit.py}}
  loss: {module: exec, with: {command: 'echo "{\"loss\": NaN}"'}}
  b:
    module: exec
    needs: [fit, loss]
    when: nodes.fit.outputs.score > 0.5 && nodes.loss.outputs.loss != nodes.loss.outputs.loss
    with: {command: 'test -f fixed && echo "inv=${{ 1 / nodes.fit.outputs.zero }}"'}
`}, nil)
	if r.code != 0 || !strings.Contains(r.stderr, "[b] inv=-Infinity") || strings.Count(r.stdout, "kept from run") != 2 {
		t.Errorf("resume: exit %d, want 0, fit and loss kept, and b run with -0\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A kept node that caches runs again under --resume when a file of its
// files: changed since, as pipe explain says it would not come from the
// cache; it is kept while nothing changed.
func TestResumeRunsAgainACachedNodeWhoseFilesChanged(t *testing.T) {
	files := map[string]string{
		"rdata.txt": "v1\n",
		"p.yaml": `name: p
nodes:
  a: {module: exec, cache: true, files: [rdata.txt], with: {command: cat rdata.txt}}
  b: {module: exec, needs: a, with: {command: 'test -f fixed && echo got ${{ nodes.a.outputs.stdout }}'}}
`}
	_, _, r := resumeScratch(t, files, nil)
	if r.code != 0 || !strings.Contains(r.stderr, "[b] got v1") || !strings.Contains(r.stderr, "a: kept") {
		t.Errorf("resume with nothing changed: exit %d, want a kept\n%s%s", r.code, r.stdout, r.stderr)
	}
	_, _, r = resumeScratch(t, files, func(dir string) {
		writeFiles(t, dir, map[string]string{"rdata.txt": "v3\n"})
		ex := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--dry-run")
		if !strings.Contains(ex.stdout, "not kept from run") || !strings.Contains(ex.stdout, "file rdata.txt changed") {
			t.Errorf("resume --dry-run: exit %d\n%s%s", ex.code, ex.stdout, ex.stderr)
		}
	})
	if r.code != 0 || !strings.Contains(r.stderr, "[b] got v3") || !strings.Contains(r.stdout, "file rdata.txt changed") {
		t.Errorf("resume after rdata.txt changed: exit %d, want a run again and b given v3\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// --resume last takes the last run of the pipeline it can read, and says
// so when a newer record cannot be read: that may be the run meant.
func TestResumeLastSaysANewerRecordIsDamaged(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.yaml"), []byte("name: r\nnodes:\n  a: {module: echo}\n  b: {module: exec, needs: a, with: {command: \"false\"}}\n"), 0o644)
	if r := pipeIn(t, dir, nil, "run", "r.yaml"); r.code != 1 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, ".pipe/runs/20991231T235959Z-deadbeef.json"), []byte("garbage"), 0o600)
	r := pipeIn(t, dir, nil, "run", "r.yaml", "--resume", "last")
	if !strings.Contains(r.stderr, "a newer run's record cannot be read") || !strings.Contains(r.stderr, "20991231T235959Z-deadbeef") {
		t.Errorf("exit %d, no word of the damaged record\n%s", r.code, r.stderr)
	}
}
