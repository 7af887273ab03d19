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

// The seed's modules read their settings from the environment: the .env
// file's keys and the resolved config reach exec and python programs, in
// the documented order, secrets masked; a .env key one edit from a config
// key is warned about, others pass silently.
func TestConfigReachesModules(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"settings.py": "import os\n\ndef main(*keys):\n    return {k: os.environ.get(k) for k in keys}\n",
		"custom.env":  "SPORTS_MODEL=models/custom.pth\nTHRESHOLD=0.7\nFROM_BOTH=file\nAPI_KEY=sk-live-123456\nBETTNG_MODEL=typo.pth\nDEBUG_LEVEL=2\n",
		"p.yaml": `name: settings
config:
  SPORTS_MODEL: models/sports.pth
  BETTING_MODEL: models/betting.pth
  LIMIT: 5
  FLAG: false
nodes:
  py:
    module: python
    with:
      path: settings.py
      args: [SPORTS_MODEL, BETTING_MODEL, LIMIT, FLAG, THRESHOLD, FROM_BOTH, API_KEY, BETTNG_MODEL]
  sh:
    module: exec
    with:
      command: 'echo "{\"limit\": \"$LIMIT\", \"threshold\": \"$THRESHOLD\", \"key\": \"$API_KEY\"}"; echo "key is $API_KEY" >&2'
      env: {THRESHOLD: node}
`})
	env := []string{"FROM_BOTH=environment", "FLAG=yes"}
	rec, r := runRecord(t, dir, env, "p.yaml", "--config", "custom.env", "--set", "LIMIT=7")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	want := map[string]any{
		"SPORTS_MODEL": "models/custom.pth", "BETTING_MODEL": "models/betting.pth", // .env over a default
		"LIMIT": "7", "FLAG": "true", // --set and the environment over defaults, as config.X reads them
		"THRESHOLD": "0.7", "FROM_BOTH": "environment", // undeclared keys; the environment beats the file
		"API_KEY": "***", "BETTNG_MODEL": "typo.pth",
	}
	for k, w := range want {
		if got := rec.Nodes["py"].Outputs[k]; got != w {
			t.Errorf("python module's %s = %v, want %v", k, got, w)
		}
	}
	sh := rec.Nodes["sh"].Outputs
	if sh["limit"] != "7" || sh["threshold"] != "node" || sh["key"] != "***" {
		t.Errorf("exec module's environment: %v", sh)
	}
	if !strings.Contains(r.stderr, "custom.env:5: BETTNG_MODEL is not a config key of this pipeline: did you mean BETTING_MODEL?") {
		t.Errorf("no warning about the typo:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "DEBUG_LEVEL") || strings.Contains(r.stderr, "THRESHOLD") {
		t.Errorf("a module's own setting is warned about:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, "sk-live-123456") || !strings.Contains(r.stderr, "key is ***") {
		t.Errorf("the secret shows, or its line does not:\n%s\n%s", r.stdout, r.stderr)
	}
}

// A Python module declares itself dangerous in its own file: pipe reads
// it without running any of it, and the gate holds it as it holds a node
// with dangerous: true. A path known only at run time is checked then,
// still before any of its code runs.
func TestDangerousByIdentity(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	const ran = "dangerous-ai-ran.txt"
	writeFiles(t, dir, map[string]string{
		// Its code writes a file as it is imported: if any of it runs, the
		// file is there.
		"dangerousai.py": "\"\"\"Acts on the world.\"\"\"\nopen(" + `"` + ran + `"` + ", 'w').write('ran')\nPIPE_DANGEROUS = True\n\ndef main():\n    return {'status': 'success', 'message': 'acted'}\n",
		"commented.py":   "# pipe: dangerous\nopen(" + `"` + ran + `"` + ", 'w').write('ran')\n\ndef main():\n    return {}\n",
		"p.yaml": `name: danger
config:
  ENABLE_DANGEROUS_AI: false
  MODULE: commented.py
nodes:
  dangerous_ai: {module: python, with: {path: dangerousai.py}}
  commented: {module: python, with: {path: commented.py}}
  by_config: {module: python, with: {path: "${{ config.MODULE }}"}}
  after: {module: echo, needs: dangerous_ai, when: always()}
`})
	rec, r := runRecord(t, dir, nil, "p.yaml")
	if _, err := os.Stat(filepath.Join(dir, ran)); err == nil {
		t.Fatalf("a dangerous module's code ran:\n%s", r.stderr)
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1 (by_config refused)\n%s", r.code, r.stderr)
	}
	for _, id := range []string{"dangerous_ai", "commented"} {
		if n := rec.Nodes[id]; n.Status != engine.StatusSkipped || !strings.Contains(n.Reason, "dangerous module disabled") {
			t.Errorf("%s: %s %s", id, n.Status, n.Reason)
		}
	}
	if n := rec.Nodes["after"]; n.Status != engine.StatusSkipped {
		t.Errorf("after, below a disabled dangerous node with always(): %s %s", n.Status, n.Reason)
	}
	if n := rec.Nodes["by_config"]; n.Status != engine.StatusError || !strings.Contains(n.Message, "dangerous module disabled: commented.py:1 declares it dangerous") {
		t.Errorf("by_config: %s %s", n.Status, n.Message)
	}
	ex := pipeIn(t, dir, nil, "explain", "p.yaml")
	if !strings.Contains(ex.stdout, "(dangerousai.py:3 declares it dangerous)") {
		t.Errorf("explain does not say why:\n%s", ex.stdout)
	}
	// The gate open, it runs.
	rec, r = runRecord(t, dir, nil, "p.yaml", "--set", "ENABLE_DANGEROUS_AI=true", "--only", "dangerous_ai")
	if r.code != 0 || rec.Nodes["dangerous_ai"].Message != "acted" {
		t.Errorf("with ENABLE_DANGEROUS_AI=true: exit %d, %+v\n%s", r.code, rec.Nodes["dangerous_ai"], r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, ran)); err != nil {
		t.Errorf("the module ran, but not in the base directory: %v", err)
	}
}

// Relative paths resolve against the base directory: the current one
// when it holds the file (as always), else the file's project, else
// base_dir or --base-dir; Python modules and programs run there.
func TestBaseDir(t *testing.T) {
	needPython(t)
	root := t.TempDir()
	proj := filepath.Join(root, "proj")
	writeFiles(t, proj, map[string]string{
		".git/HEAD":                      "ref: refs/heads/main\n",
		"prediction/sports_predictor.py": "import os\n\ndef main():\n    return {'cwd': os.getcwd(), 'model': open('models/m.txt').read()}\n",
		"models/m.txt":                   "weights",
		"pipelines/p.yaml": `name: based
nodes:
  sports_predictor: {module: python, with: {path: prediction/sports_predictor.py}}
  pwd: {module: exec, with: {command: [pwd]}}
`,
		"other/models/m.txt":                   "other weights",
		"other/prediction/sports_predictor.py": "def main():\n    return {'cwd': 'other', 'model': open('models/m.txt').read()}\n",
		"pipelines/based.yaml": `name: based2
base_dir: ../other
nodes:
  sports_predictor: {module: python, with: {path: prediction/sports_predictor.py}}
`,
	})
	elsewhere := t.TempDir()
	for _, tt := range []struct {
		name, dir, file string
		args            []string
		model, cwd      string
	}{
		{"from the project root", proj, "pipelines/p.yaml", nil, "weights", proj},
		{"from elsewhere: the file's project", elsewhere, filepath.Join(proj, "pipelines/p.yaml"), nil, "weights", proj},
		{"from inside the project", filepath.Join(proj, "models"), "../pipelines/p.yaml", nil, "weights", proj},
		{"--base-dir", elsewhere, filepath.Join(proj, "pipelines/p.yaml"), []string{"--base-dir", filepath.Join(proj, "other")}, "other weights", ""},
		{"base_dir: in the file", elsewhere, filepath.Join(proj, "pipelines/based.yaml"), nil, "other weights", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec, r := runRecord(t, tt.dir, nil, append([]string{tt.file}, tt.args...)...)
			sp := rec.Nodes["sports_predictor"]
			if sp.Outputs["model"] != tt.model {
				t.Fatalf("exit %d: %+v\n%s", r.code, sp, r.stderr)
			}
			if tt.cwd != "" && (sp.Outputs["cwd"] != tt.cwd || strings.TrimSpace(rec.Nodes["pwd"].Outputs["stdout"].(string)) != tt.cwd) {
				t.Errorf("ran in %v and %v, want %s", sp.Outputs["cwd"], rec.Nodes["pwd"].Outputs["stdout"], tt.cwd)
			}
		})
	}
	r := pipeIn(t, elsewhere, nil, "run", filepath.Join(proj, "pipelines/p.yaml"), "--base-dir", "nope", "--runs-dir", t.TempDir())
	if r.code != 2 || !strings.Contains(r.stderr, "--base-dir nope: no such directory") {
		t.Errorf("--base-dir nope: exit %d\n%s", r.code, r.stderr)
	}
}
