package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/schema"
)

// These tests build the pipe binary and run it as a user would, from the
// repository root.

var pipeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pipe-e2e-")
	if err != nil {
		panic(err)
	}
	pipeBin = filepath.Join(dir, "pipe")
	build := exec.Command("go", "build", "-o", pipeBin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building pipe: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func pipe(t *testing.T, args ...string) result {
	t.Helper()
	return pipeIn(t, "../..", nil, args...)
}

// pipeIn runs the built binary in dir with extra environment variables.
func pipeIn(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return pipeStdin(t, dir, env, nil, args...)
}

// pipeStdin is pipeIn with stdin (nil: none).
func pipeStdin(t *testing.T, dir string, env []string, stdin io.Reader, args ...string) result {
	t.Helper()
	cmd := exec.Command(pipeBin, args...)
	cmd.Dir, cmd.Stdin = dir, stdin
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"default files", []string{"validate"}, 0, "ok pipelines/example.yaml", ""},
		{"named file", []string{"validate", "pipelines/example.yaml"}, 0, "ok pipelines/example.yaml (5 nodes)", ""},
		{"bad file", []string{"validate", "testdata/bad/cycle.yaml"}, 1, "", "testdata/bad/cycle.yaml:4:12: cycle: a -> c -> b -> a"},
		{"bad and good", []string{"validate", "pipelines/example.yaml", "testdata/bad/unknown_keys.yaml"}, 1, "ok pipelines/example.yaml", "3 problems"},
		{"warnings counted apart", []string{"validate", "testdata/bad/warning_and_error.yaml"}, 1, "", "1 problem, 1 warning\n"},
		{"missing file", []string{"validate", "nope.yaml"}, 1, "", "nope.yaml: no such file or directory"},
		{"bad flag", []string{"validate", "--frmat", "json"}, 2, "", "unknown flag --frmat"},
		{"bad format", []string{"validate", "--format", "xml"}, 2, "", "must be one of"},
		{"--base-dir", []string{"validate", "pipelines/example.yaml", "--base-dir", "."}, 0, "ok pipelines/example.yaml", ""},
		{"--base-dir not there", []string{"validate", "pipelines/example.yaml", "--base-dir", "nope"}, 2, "", "pipe: usage: --base-dir nope: no such directory"},
		{"no command", []string{}, 2, "", "expected one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipe(t, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q, want it to contain %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", r.stderr, tt.stderr)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	r := pipe(t, "validate", "--format", "json", "testdata/bad/when_errors.yaml", "pipelines/example.yaml")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var diags []schema.Diagnostic
	if err := json.Unmarshal([]byte(r.stdout), &diags); err != nil {
		t.Fatalf("stdout is not JSON diagnostics: %v\n%s", err, r.stdout)
	}
	if len(diags) != 5 || diags[0].File != "testdata/bad/when_errors.yaml" || diags[0].Line != 7 || diags[0].Col != 18 {
		t.Errorf("diagnostics = %+v", diags)
	}
	r = pipe(t, "validate", "--format", "json", "pipelines/example.yaml")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("valid file: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestGraph(t *testing.T) {
	r := pipe(t, "graph", "testdata/dot/diamond.yaml")
	want, _ := os.ReadFile("../../testdata/dot/diamond.dot")
	if r.code != 0 || r.stdout != string(want) {
		t.Errorf("exit %d, DOT:\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	if r := pipe(t, "graph", "testdata/bad/cycle.yaml"); r.code != 1 || !strings.Contains(r.stderr, "cycle:") {
		t.Errorf("graph of a bad file: exit %d, stderr %s", r.code, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "g.svg")
	r = pipe(t, "graph", "pipelines/example.yaml", "-T", "svg", "-o", out)
	if _, err := exec.LookPath("dot"); err != nil {
		if r.code != 1 || !strings.Contains(r.stderr, "install graphviz") {
			t.Errorf("without dot: exit %d, stderr %s", r.code, r.stderr)
		}
		t.Skip("Graphviz's dot is not installed: rendering is not tested (.ci/run installs it)")
	}
	svg, err := os.ReadFile(out)
	if r.code != 0 || err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("-T svg: exit %d, %v, stderr %s", r.code, err, r.stderr)
	}
}

func TestRun(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "pipelines/example.yaml", "--runs-dir", runs, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("--json output: %v\n%s", err, r.stdout)
	}
	if rec.Status != engine.StatusSuccess || rec.Nodes["dangerous_ai"].Status != engine.StatusSkipped || rec.Nodes["report"].Message != "mean 3 over 5 matches" {
		t.Errorf("record: %+v", rec)
	}
	saved, err := engine.ReadRecord(filepath.Join(runs, rec.ID+".json"))
	if err != nil || saved.Status != rec.Status {
		t.Errorf("saved record: %v %+v", err, saved)
	}
	// The summary, and --run colouring the graph.
	r = pipe(t, "run", "pipelines/example.yaml", "--runs-dir", runs, "--only", "stats")
	if r.code != 0 || !strings.Contains(r.stdout, "NODE") || !strings.Contains(r.stdout, "not selected by --only") {
		t.Errorf("summary: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	g := pipe(t, "graph", "pipelines/example.yaml", "--run", filepath.Join(runs, rec.ID+".json"))
	if g.code != 0 || !strings.Contains(g.stdout, `fillcolor="#c8e6c9"`) {
		t.Errorf("graph --run: exit %d\n%s", g.code, g.stdout)
	}
	// --run last is the pipeline's own last run, not another's that came
	// after it; a pipeline without runs says so.
	if r := pipe(t, "run", "testdata/good/gate.yaml", "--runs-dir", runs); r.code != 0 {
		t.Fatalf("run gate.yaml: exit %d\n%s", r.code, r.stderr)
	}
	g = pipe(t, "graph", "pipelines/example.yaml", "--run", "last", "--runs-dir", runs)
	if g.code != 0 || strings.Contains(g.stderr, "another pipeline") || !strings.Contains(g.stdout, `fillcolor="#c8e6c9"`) {
		t.Errorf("graph --run last: exit %d\n%s\n%s", g.code, g.stdout, g.stderr)
	}
	g = pipe(t, "graph", "testdata/good/ci.yaml", "--run", "last", "--runs-dir", runs)
	if g.code != exitFailed || !strings.Contains(g.stderr, "no finished run of pipeline") {
		t.Errorf("graph --run last of a pipeline without runs: exit %d\n%s", g.code, g.stderr)
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	failing := filepath.Join(dir, "failing.yaml")
	os.WriteFile(failing, []byte("name: failing\nconfig: {N: 1}\nnodes:\n  a: {module: exec, with: {command: 'echo oops >&2; exit 4'}}\n  b: {module: echo, needs: a}\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"failed node", []string{"run", failing, "--runs-dir", dir}, 1, "exit status 4"},
		{"unknown --set key", []string{"run", failing, "--set", "M=2"}, 2, `no config key "M"`},
		{"bad --set value", []string{"run", failing, "--set", "N=many"}, 2, `"many" is not a whole number`},
		{"unknown --only node", []string{"run", failing, "--only", "z"}, 2, `has no node "z"`},
		// Empty lists would select every node: the opposite of what they ask.
		{"empty --only", []string{"run", failing, "--only", ""}, 2, "--only: given nothing"},
		{"empty --tags", []string{"run", failing, "--tags="}, 2, "--tags: given nothing"},
		{"empty --tags on explain", []string{"explain", failing, "--tags", ""}, 2, "--tags: given nothing"},
		{"empty --skip skips nothing", []string{"explain", failing, "--skip", ""}, 0, "WOULD"},
		{"runs dir that is a file", []string{"run", failing, "--runs-dir", failing}, 1, "it is a file, not a directory"},
		{"show in a runs dir that is a file", []string{"show", "last", "--runs-dir", failing}, 1, "is a file, not a directory of runs"},
		{"missing --config file", []string{"run", failing, "--config", filepath.Join(dir, "none.env")}, 2, "none.env"},
		{"invalid pipeline", []string{"run", "testdata/bad/templates.yaml"}, 1, "templates.yaml:10:22"},
		{"bad schedule", []string{"run", failing, "--schedule", "random"}, 2, "must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipe(t, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr+r.stdout, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", r.code, tt.code, r.stdout, r.stderr, tt.stderr)
			}
		})
	}
}

// TestInterrupt sends SIGINT to a running pipeline: pipe must stop its
// child processes, record every node, and exit 130 promptly.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	file := filepath.Join(dir, "long.yaml")
	os.WriteFile(file, []byte(`name: long
nodes:
  sleeper:
    module: exec
    with: {command: "sleep 60 & echo $! > `+pidFile+`; wait"}
  pause: {module: wait, with: {duration: 1h}}
  after: {module: echo, needs: sleeper}
`), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir, "--json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(pidFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the pipeline did not start\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit %v, want 130\n%s", err, stderr.String())
	}
	if took > 3*time.Second {
		t.Errorf("took %v to stop after SIGINT", took)
	}
	var rec engine.Record
	if err := json.Unmarshal(stdout.Bytes(), &rec); err != nil {
		t.Fatalf("record: %v\n%s", err, stdout.String())
	}
	for id, want := range map[string]engine.Status{"sleeper": engine.StatusCancelled, "pause": engine.StatusCancelled, "after": engine.StatusCancelled} {
		if got := rec.Nodes[id].Status; got != want {
			t.Errorf("node %s: %s, want %s", id, got, want)
		}
	}
	data, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	time.Sleep(100 * time.Millisecond)
	if state, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && !strings.Contains(string(state), ") Z ") {
		t.Errorf("the node's child process %d survived the interrupt", pid)
	}
}

func TestModulesAndSchema(t *testing.T) {
	r := pipe(t, "modules")
	for _, want := range []string{"echo", "exec", "python", "wait", "duration  duration  required"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("pipe modules does not show %q:\n%s", want, r.stdout)
		}
	}
	r = pipe(t, "modules", "--json")
	var mods []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &mods); err != nil || len(mods) < 4 {
		t.Errorf("pipe modules --json: %v", err)
	}
	r = pipe(t, "schema")
	if r.code != 0 || !json.Valid([]byte(r.stdout)) || !strings.Contains(r.stdout, "pipe pipeline") {
		t.Errorf("pipe schema: exit %d", r.code)
	}
}

// TestPredictPipeline runs the README's main job end to end: fit, price,
// serve; then Ctrl-C stops the server and the run still succeeds.
func TestPredictPipeline(t *testing.T) {
	dir := t.TempDir()
	cmd, stdout, stderr := startPipe(t, "run", "pipelines/predict.yaml", "--runs-dir", dir, "--json",
		"--set", "WEB_ADDR=127.0.0.1:0", "--set", "SPORTS_MODEL="+filepath.Join(dir, "sports.json"))
	defer cmd.Process.Kill()
	url := webURL(t, stderr)
	resp, err := http.Get(url + "/api/predictions")
	if err != nil {
		t.Fatal(err)
	}
	var preds []map[string]any
	json.NewDecoder(resp.Body).Decode(&preds)
	resp.Body.Close()
	if len(preds) != 10 || preds[0]["p_home"] == nil {
		t.Errorf("/api/predictions: %v", preds)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	if err != nil {
		t.Errorf("exit: %v (want 0: stopping the server is how this run ends)\n%s", err, stderr.String())
	}
	var rec engine.Record
	if err := json.Unmarshal(stdout.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]engine.Status{"sports_predictor": "success", "betting_prediction": "success", "auto_stake": "skipped", "safe_summary": "success", "web_interface": "success"}
	for id, st := range want {
		if rec.Nodes[id].Status != st {
			t.Errorf("%s: %s (%s), want %s", id, rec.Nodes[id].Status, rec.Nodes[id].Reason, st)
		}
	}
	if rec.Status != engine.StatusSuccess {
		t.Errorf("run %s: %s", rec.Status, rec.Reason)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
