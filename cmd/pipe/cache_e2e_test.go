package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

const cachePipeline = `name: cached
config: {N: 3}
nodes:
  count:
    module: exec
    cache: true
    files: [data.csv]
    with:
      command: ["sh", "-c", "echo counting; wc -l < data.csv"]
  report:
    module: exec
    needs: count
    cache: true
    with:
      command: ["sh", "-c", "echo lines=$0 n=$1", "${{ nodes.count.outputs.stdout }}", "${{ config.N }}"]
  plain:
    module: exec
    needs: report
    with: {command: [echo, plain-ran]}
`

// runJSON runs the pipeline in dir and returns its record.
func runJSON(t *testing.T, dir string, args ...string) (engine.Record, result) {
	t.Helper()
	r := pipeIn(t, dir, nil, append([]string{"run", "p.yaml", "--json"}, args...)...)
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || r.code != 0 {
		t.Fatalf("run %v: exit %d, %v\n%s%s", args, r.code, err, r.stdout, r.stderr)
	}
	return rec, r
}

func TestCacheHitsAndMisses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("p.yaml", cachePipeline)
	write("data.csv", "a\n1\n")

	first, r := runJSON(t, dir)
	if !strings.Contains(r.stderr, "[count] counting") || first.Nodes["count"].CachedFrom != "" {
		t.Fatalf("first run: cached from %q\n%s", first.Nodes["count"].CachedFrom, r.stderr)
	}
	second, r := runJSON(t, dir)
	for _, id := range []string{"count", "report"} {
		n := second.Nodes[id]
		if n.CachedFrom != first.ID || n.Reason != "cached from "+first.ID || n.Outputs["stdout"] != first.Nodes[id].Outputs["stdout"] {
			t.Errorf("second run, %s: cached from %q, reason %q, outputs %v", id, n.CachedFrom, n.Reason, n.Outputs)
		}
	}
	if strings.Contains(r.stderr, "[count] counting") || !strings.Contains(r.stderr, "[plain] plain-ran") {
		t.Errorf("second run: a cached node ran, or a plain one did not:\n%s", r.stderr)
	}
	if l := pipeIn(t, dir, nil, "logs", "last", "count"); !strings.Contains(l.stdout, "counting") {
		t.Errorf("the cached node's log in the new run: %q %s", l.stdout, l.stderr)
	}
	if x := pipeIn(t, dir, nil, "explain", "p.yaml"); !strings.Contains(x.stdout, "cached (from run "+second.Nodes["count"].CachedFrom+")") {
		t.Errorf("explain after a run:\n%s%s", x.stdout, x.stderr)
	}

	// A changed config value the node reads: that node and no other.
	if x := pipeIn(t, dir, nil, "explain", "p.yaml", "--set", "N=4"); !strings.Contains(x.stdout, "not cached: config.N changed") {
		t.Errorf("explain with another N:\n%s", x.stdout)
	}
	// A changed file of files: is a miss, and explain says which.
	write("data.csv", "a\n1\n2\n")
	if x := pipeIn(t, dir, nil, "explain", "p.yaml"); !strings.Contains(x.stdout, "not cached: file data.csv changed") {
		t.Errorf("explain after data.csv changed:\n%s", x.stdout)
	}
	third, _ := runJSON(t, dir)
	if third.Nodes["count"].CachedFrom != "" || third.Nodes["report"].CachedFrom != "" {
		t.Errorf("data.csv changed: count cached from %q, report from %q", third.Nodes["count"].CachedFrom, third.Nodes["report"].CachedFrom)
	}
	// --no-cache runs, and still stores.
	fourth, _ := runJSON(t, dir, "--no-cache")
	if fourth.Nodes["count"].CachedFrom != "" {
		t.Errorf("--no-cache: cached from %q", fourth.Nodes["count"].CachedFrom)
	}
	if fifth, _ := runJSON(t, dir); fifth.Nodes["count"].CachedFrom != fourth.ID {
		t.Errorf("after --no-cache: cached from %q, want %s", fifth.Nodes["count"].CachedFrom, fourth.ID)
	}
	// --cache-max bounds the store: 1 byte keeps no entry.
	runJSON(t, dir, "--cache-max", "1B")
	if entries, _ := filepath.Glob(filepath.Join(dir, ".pipe/cache/nodes/*/*.entry")); len(entries) != 0 {
		t.Errorf("--cache-max 1B left %d entries", len(entries))
	}
	if r := pipeIn(t, dir, nil, "run", "p.yaml", "--cache-max", "lots"); r.code != 2 || !strings.Contains(r.stderr, "is not a size") {
		t.Errorf("--cache-max lots: exit %d\n%s", r.code, r.stderr)
	}
}

// TestCacheTwoProcesses: two pipes filling one cache at once both succeed,
// and what they stored serves the next run.
func TestCacheTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(cachePipeline), 0o644)
	os.WriteFile(filepath.Join(dir, "data.csv"), []byte("a\n"), 0o644)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 0 {
				t.Errorf("exit %d\n%s", r.code, r.stderr)
			}
		})
	}
	wg.Wait()
	if rec, _ := runJSON(t, dir); rec.Nodes["count"].CachedFrom == "" || rec.Nodes["report"].CachedFrom == "" {
		t.Errorf("after two pipes at once: not cached: %+v", rec.Nodes["count"])
	}
}

// TestCacheNeverForModulesThatActOnTheWorld: cache: true on web_interface
// is refused at its line.
func TestCacheNeverForModulesThatActOnTheWorld(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("nodes:\n  web:\n    module: web_interface\n    cache: true\n"), 0o644)
	r := pipe(t, "validate", file)
	if r.code != 1 || !strings.Contains(r.stderr, "p.yaml:4:12: node web: module web_interface acts on the world and is never cached") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestCachePythonFileIsInTheKey: a cached python node's own .py file is
// part of its key: an edit to it is a miss, and explain says which file.
func TestCachePythonFileIsInTheKey(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p.yaml":        "name: py\nnodes:\n  py: {module: python, cache: true, with: {path: scratch/c1.py}}\n",
		"scratch/c1.py": "def main():\n    return {\"v\": 1}\n",
	})
	first, _ := runJSON(t, dir)
	if v := first.Nodes["py"].Outputs["v"]; v != 1.0 {
		t.Fatalf("first run: v = %v", v)
	}
	if second, _ := runJSON(t, dir); second.Nodes["py"].CachedFrom != first.ID {
		t.Fatalf("unchanged file: cached from %q, want %s", second.Nodes["py"].CachedFrom, first.ID)
	}
	writeFiles(t, dir, map[string]string{"scratch/c1.py": "def main():\n    return {\"v\": 2}\n"})
	if x := pipeIn(t, dir, nil, "explain", "p.yaml"); !strings.Contains(x.stdout, "not cached: file scratch/c1.py changed") {
		t.Errorf("explain after c1.py changed:\n%s%s", x.stdout, x.stderr)
	}
	third, _ := runJSON(t, dir)
	if n := third.Nodes["py"]; n.CachedFrom != "" || n.Outputs["v"] != 2.0 {
		t.Errorf("c1.py changed: cached from %q, v = %v", n.CachedFrom, n.Outputs["v"])
	}
}

// TestCacheSeesTheProgramsEnvironment: what pipe hands an exec or python
// program in its environment (every config value, the .env file's other
// keys) is part of its key, while a module that gets no environment keeps
// its entry; explain names what changed, and no value of a secret is in
// the store.
func TestCacheSeesTheProgramsEnvironment(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"p.yaml": `name: envread
config: {N: 1, API_TOKEN: tok-one-1234}
nodes:
  envread: {module: exec, cache: true, with: {command: 'echo "N from env is $N"'}}
  dotenv: {module: exec, cache: true, with: {command: 'echo "extra is $EXTRA"'}}
  pure: {module: echo, cache: true, with: {x: 1}}
`,
		"a.env": "EXTRA=one\nSOME_SECRET=sec-one-5678\n",
	})
	first, _ := runJSON(t, dir, "--config", "a.env")
	if got := first.Nodes["envread"].Outputs["stdout"]; got != "N from env is 1" {
		t.Fatalf("first run: %q", got)
	}
	if x := pipeIn(t, dir, nil, "explain", "p.yaml", "--config", "a.env", "--set", "N=5"); !strings.Contains(x.stdout, "not cached: config.N changed") ||
		!strings.Contains(x.stdout, "cached (from run "+first.ID+")") {
		t.Errorf("explain --set N=5:\n%s%s", x.stdout, x.stderr)
	}
	second, _ := runJSON(t, dir, "--config", "a.env", "--set", "N=5")
	if n := second.Nodes["envread"]; n.CachedFrom != "" || n.Outputs["stdout"] != "N from env is 5" {
		t.Errorf("--set N=5: cached from %q, stdout %q", n.CachedFrom, n.Outputs["stdout"])
	}
	if n := second.Nodes["pure"]; n.CachedFrom != first.ID {
		t.Errorf("--set N=5: echo, which gets no environment, cached from %q, want %s", n.CachedFrom, first.ID)
	}

	// A secret config value and a secret .env key: explain names them,
	// the store holds no value of either.
	writeFiles(t, dir, map[string]string{"b.env": "EXTRA=two\nSOME_SECRET=sec-two-5678\n"})
	x := pipeIn(t, dir, nil, "explain", "p.yaml", "--config", "b.env", "--set", "N=5", "--set", "API_TOKEN=tok-two-1234")
	for _, want := range []string{"config.API_TOKEN changed", ".env key EXTRA changed", ".env key SOME_SECRET changed"} {
		if !strings.Contains(x.stdout, want) {
			t.Errorf("explain with other secrets: no %q\n%s%s", want, x.stdout, x.stderr)
		}
	}
	third, _ := runJSON(t, dir, "--config", "b.env", "--set", "N=5", "--set", "API_TOKEN=tok-two-1234")
	if n := third.Nodes["dotenv"]; n.CachedFrom != "" || n.Outputs["stdout"] != "extra is two" {
		t.Errorf("b.env: cached from %q, stdout %q", n.CachedFrom, n.Outputs["stdout"])
	}
	filepath.WalkDir(filepath.Join(dir, ".pipe", "cache"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		for _, secret := range []string{"tok-one", "tok-two", "sec-one", "sec-two"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s holds the secret %s", path, secret)
			}
		}
		return nil
	})
}

// TestCacheHitMasksTheLogAnew: a log served from the cache is masked with
// the secrets of the run it is served to, not those of the run that made
// it: a key marked secret since reads *** in the new run's log.
func TestCacheHitMasksTheLogAnew(t *testing.T) {
	dir := t.TempDir()
	const src = `name: creds
config: {CREDS: hunter2hunter2}
nodes:
  creds: {module: exec, cache: true, with: {command: 'echo "creds are $CREDS"'}}
`
	writeFiles(t, dir, map[string]string{"p.yaml": src})
	first, _ := runJSON(t, dir)
	if l := pipeIn(t, dir, nil, "logs", "last", "creds"); !strings.Contains(l.stdout, "creds are hunter2hunter2") {
		t.Fatalf("first run, not secret yet: log %q %s", l.stdout, l.stderr)
	}
	writeFiles(t, dir, map[string]string{"p.yaml": strings.Replace(src, "name: creds\n", "name: creds\nsecrets: [CREDS]\n", 1)})
	second, _ := runJSON(t, dir)
	if n := second.Nodes["creds"]; n.CachedFrom != first.ID {
		t.Fatalf("CREDS marked secret, its value the same: cached from %q, want %s", n.CachedFrom, first.ID)
	}
	if l := pipeIn(t, dir, nil, "logs", "last", "creds"); strings.Contains(l.stdout, "hunter2") || !strings.Contains(l.stdout, "creds are ***") {
		t.Errorf("the cached log in a run where CREDS is secret: %q %s", l.stdout, l.stderr)
	}
	filepath.WalkDir(filepath.Join(dir, ".pipe", "runs"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, second.ID) {
			return err
		}
		if data, _ := os.ReadFile(path); strings.Contains(string(data), "hunter2") {
			t.Errorf("%s of the second run holds the secret:\n%s", path, data)
		}
		return nil
	})
}
