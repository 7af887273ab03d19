package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// These tests run the built binary on what a user of the seed's module
// executor brings along (issue 11): their Python modules, their flags,
// their .env file.

// needPython skips a test on a machine without python3.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
}

// writeFiles writes files (name -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runRecord runs pipe run ... --json in dir and decodes the record.
func runRecord(t *testing.T, dir string, env []string, args ...string) (engine.Record, result) {
	t.Helper()
	args = append([]string{"run"}, args...)
	args = append(args, "--json", "--runs-dir", t.TempDir())
	r := pipeIn(t, dir, env, args...)
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("pipe %s: exit %d, no record: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, err, r.stdout, r.stderr)
	}
	return rec, r
}

// A Python module's NaN is a number (issue 5's value model); an int past
// 64 bits fails its node saying how to keep it, instead of turning into an
// inexact float.
func TestPythonNaNAndBigInts(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	mod, _ := filepath.Abs("../../testdata/modules/seed/numbers.py")
	writeFiles(t, dir, map[string]string{"p.yaml": `name: numbers
nodes:
  nan: {module: python, with: {path: ` + mod + `, function: nan}}
  big: {module: python, with: {path: ` + mod + `, function: big}}
  text: {module: python, with: {path: ` + mod + `, function: big_as_text}}
  ratio:
    module: echo
    needs: nan
    with: {lost: "${{ nodes.nan.outputs.loss != nodes.nan.outputs.loss }}"}
`})
	rec, r := runRecord(t, dir, nil, "p.yaml")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (big fails)\n%s", r.code, r.stderr)
	}
	nan := rec.Nodes["nan"]
	if nan.Status != engine.StatusSuccess || nan.Outputs["loss"] != "NaN" || nan.Outputs["best"] != "-Infinity" {
		t.Errorf("nan: %+v", nan)
	}
	if got := rec.Nodes["ratio"].Outputs["lost"]; got != true {
		t.Errorf("NaN != NaN in an expression = %v, want true", got)
	}
	big := rec.Nodes["big"]
	if big.Status != engine.StatusError || !strings.Contains(big.Message, "big()['count'] is 1180591620717411303424, a whole number past 64 bits") {
		t.Errorf("big: %+v", big)
	}
	text := rec.Nodes["text"]
	if text.Status != engine.StatusSuccess || text.Outputs["count"] != "1180591620717411303424" || text.Outputs["max"] != float64(1<<63-1) || text.Outputs["float"] != 1e20 {
		t.Errorf("text: %+v", text)
	}
}

// A Flask app started through python blocks until the run is stopped:
// tagged web, --no-web drops it as it drops web_interface, and what needs
// them. --tags and --skip-tags select by any tag.
func TestTagsAndNoWeb(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"app.py": "import time\n\ndef main():\n    time.sleep(3600)  # a server: runs until stopped\n",
		"p.yaml": `name: tags
nodes:
  predict: {module: echo, tags: [ml]}
  app:
    module: python
    needs: predict
    tags: [web, flask]
    with: {path: app.py}
  web_interface: {needs: predict, with: {addr: "127.0.0.1:0"}}
  notify: {module: echo, needs: app}
  report: {module: echo, needs: predict, tags: report}
`})
	rec, r := runRecord(t, dir, nil, "p.yaml", "--no-web")
	if r.code != 0 {
		t.Fatalf("--no-web: exit %d\n%s", r.code, r.stderr)
	}
	want := map[string]string{
		"predict": "success", "report": "success",
		"app": "skipped by tag (web)", "web_interface": "skipped by tag (web)", "notify": "skipped by tag (web) (upstream)",
	}
	for id, w := range want {
		n := rec.Nodes[id]
		if got := string(n.Status); got != w && got+" "+n.Reason != "skipped "+w {
			t.Errorf("--no-web: %s is %s (%s), want %s", id, n.Status, n.Reason, w)
		}
	}
	rec, r = runRecord(t, dir, nil, "p.yaml", "--tags", "report", "--skip-tags", "web")
	if r.code != 0 || rec.Nodes["report"].Status != "success" || rec.Nodes["predict"].Status != "success" ||
		rec.Nodes["app"].Reason != "not selected by --tags report" {
		t.Errorf("--tags report: exit %d, %+v\n%s", r.code, rec.Nodes, r.stderr)
	}
	for _, tt := range []struct{ args, stderr string }{
		{"--tags flsk", `no node of pipeline tags is tagged "flsk" (did you mean "flask"?)`},
		{"--skip-tags reprt", `did you mean "report"?`},
		{"--tags nope", "its tags: flask, ml, report, web"},
	} {
		r := pipeIn(t, dir, nil, append([]string{"run", "p.yaml", "--runs-dir", t.TempDir()}, strings.Fields(tt.args)...)...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %s; want 2 and %q", tt.args, r.code, r.stderr, tt.stderr)
		}
	}
	// A tag no node has, far from any there is, skips nothing: scripts
	// pass --no-web to pipelines without a server too.
	if _, r := runRecord(t, dir, nil, "p.yaml", "--skip-tags", "gpu", "--no-web"); r.code != 0 {
		t.Errorf("--skip-tags gpu: exit %d\n%s", r.code, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"bad.yaml": "nodes:\n  a: {module: echo, tags: [web, 'a,b', web]}\n"})
	r = pipeIn(t, dir, nil, "validate", "bad.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, `bad.yaml:2:33: tag "a,b" is not a tag name`) || !strings.Contains(r.stderr, "bad.yaml:2:40: tag web is listed twice") {
		t.Errorf("validate: exit %d\n%s", r.code, r.stderr)
	}
}
