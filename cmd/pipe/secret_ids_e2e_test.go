package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// secretIDs is a secret that a pipeline's foreach nodes fan out over.
const secretIDs = "S3cr3tPass"

// writeSecretIDPipeline writes s.yaml to dir: instances made from a secret
// (a list holding it, a map an output keyed by it, a sub-pipeline per
// secret fanning out over it again), c[1] failing until the file flag
// exists. It returns the environment that sets the secret.
func writeSecretIDPipeline(t *testing.T, dir string) []string {
	t.Helper()
	writeFiles(t, dir, map[string]string{
		"s.yaml": `name: sec
config: {DB_PASSWORD: changeme, FLAG: ""}
nodes:
  c:
    module: exec
    foreach: "${{ [config.DB_PASSWORD, 'second'] }}"
    with:
      command: [sh, -c, 'echo "using $0" >&2; echo done; test "$0" != second || test -f "$1"', "${{ item }}", "${{ config.FLAG }}"]
  keyed:
    module: exec
    with: {command: "echo '{\"m\": {\"${{ config.DB_PASSWORD }}\": 1, \"plain\": 2}}'"}
  per_key:
    module: exec
    needs: keyed
    foreach: "${{ nodes.keyed.outputs.m }}"
    with: {command: "echo ${{ item }}"}
  sub:
    module: pipeline
    foreach: "${{ [config.DB_PASSWORD] }}"
    with: {file: child.yaml, set: {PARAM: "${{ item }}"}}
`,
		"child.yaml": `name: child
config: {PARAM: ""}
nodes:
  inner:
    module: exec
    foreach: "${{ [config.PARAM] }}"
    with: {command: [sh, -c, 'echo "inner $0" >&2', "${{ item }}"]}
`,
	})
	return []string{"DB_PASSWORD=" + secretIDs, "FLAG=" + filepath.Join(dir, "flag")}
}

// checkNoSecret fails t where the secret shows: in what a command printed
// (shown, by the command), or in a name or the contents of a file under
// dirs.
func checkNoSecret(t *testing.T, shown map[string]string, dirs ...string) {
	t.Helper()
	for what, text := range shown {
		if strings.Contains(text, secretIDs) {
			t.Errorf("%s shows the secret:\n%s", what, text)
		}
	}
	for _, dir := range dirs {
		var paths int
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			paths++
			if strings.Contains(path, secretIDs) {
				t.Errorf("a file is named with the secret: %s", path)
			}
			if !d.IsDir() {
				b, _ := os.ReadFile(path)
				if strings.Contains(string(b), secretIDs) {
					t.Errorf("%s shows the secret:\n%s", path, b)
				}
			}
			return nil
		})
		if paths < 4 {
			t.Errorf("%s holds %d paths: no records or logs?", dir, paths)
		}
	}
}

// A foreach over a secret names its instances by index: the secret shows
// in no id, so in nothing pipe prints or writes, file names included, and
// a resumed run finds the instance that succeeded under the same id.
func TestSecretInNoInstanceID(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	env := writeSecretIDPipeline(t, dir)
	shown := map[string]string{} // what each command printed, by the command
	run := func(wantCode int, args ...string) result {
		t.Helper()
		r := pipeIn(t, dir, env, append(args, "--runs-dir", runs)...)
		if r.code != wantCode {
			t.Errorf("pipe %v: exit %d, want %d\n%s\n%s", args, r.code, wantCode, r.stdout, r.stderr)
		}
		shown["pipe "+strings.Join(args, " ")] = r.stdout + r.stderr
		return r
	}

	first := run(1, "run", "s.yaml")
	for _, want := range []string{"c[0]", "c[1]", "per_key[0]", "sub[0]"} {
		if !strings.Contains(first.stdout, want+" ") {
			t.Errorf("the summary lacks %s:\n%s", want, first.stdout)
		}
	}
	run(0, "run", "s.yaml", "--dry-run")
	var rec engine.Record
	if err := json.Unmarshal([]byte(run(0, "show", "last", "--json").stdout), &rec); err != nil {
		t.Fatalf("show --json: %v", err)
	}
	run(0, "show", "last")
	run(0, "logs", "last")
	if r := run(0, "logs", "last", "c[0]"); !strings.Contains(r.stdout, "using ***") {
		t.Errorf("logs of c[0] lack its masked line:\n%s", r.stdout)
	}
	run(0, "logs", "last", "sub[0]/inner[0]")
	run(0, "graph", "s.yaml", "--run", "last")
	run(0, "explain", "s.yaml")

	if err := os.WriteFile(filepath.Join(dir, "flag"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	resumed := run(0, "run", "s.yaml", "--json", "--resume", rec.ID)
	if !strings.Contains(resumed.stdout, "kept from run "+rec.ID) {
		t.Errorf("the resumed run kept no instance of %s:\n%s", rec.ID, resumed.stdout)
	}
	run(0, "runs")
	run(0, "runs", "--json")
	checkNoSecret(t, shown, runs)
}
