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
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// startPipe starts the built binary in the repository's root, for a test
// that talks to the run while it goes (a server) or signals it.
func startPipe(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(pipeBin, args...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdout, stderr := &bytes.Buffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stdout, stderr
}

// torchPython returns an interpreter that has PyTorch and Flask: the
// python3 on PATH, or Debian's (python3-torch and python3-flask serve
// /usr/bin/python3, which a pyenv or a venv may hide).
func torchPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import torch, flask").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with PyTorch and Flask (apt-get install python3-torch python3-flask): pipelines/seed.yaml cannot be tested here")
	return ""
}

// pipelines/seed.yaml runs the seed's kind of modules as they are: a
// PyTorch model fitted on the real data, evaluated as the Go models are,
// saved as .pth and loaded again from --sports-model; the betting
// backtest; a Flask app serving predictions until Ctrl-C stops it.
func TestSeedPipelineWithTorchAndFlask(t *testing.T) {
	py := torchPython(t)
	if _, err := os.Stat("../../../shared/data/odds/england_premier-league.csv"); err != nil {
		t.Skip("../shared/data is absent: the seed pipeline fits on the real data")
	}
	model := filepath.Join(t.TempDir(), "custom_sports.pth")
	set := []string{"pipelines/seed.yaml", "--set", "PYTHON=" + py, "--set", "SPORTS_MODEL=" + model}
	rec, r := runRecord(t, "../..", nil, append(set, "--no-web")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	metrics, _ := rec.Nodes["sports_predictor"].Outputs["metrics"].(map[string]any)
	ll, _ := metrics["log_loss"].(float64)
	// England, 2017-18 and 2018-19 walk-forward: base rates 1.0568, the
	// Go blend 0.9281, the market 0.9164.
	if metrics["n"] != 760.0 || ll < 0.90 || ll > 0.95 || metrics["market_log_loss"] == nil {
		t.Errorf("metrics %v", metrics)
	}
	if _, err := os.Stat(model); err != nil {
		t.Fatalf("no model saved at %s: %v", model, err)
	}
	if rec.Nodes["web_interface"].Reason != "skipped by tag (web)" || rec.Nodes["betting_prediction"].Status != engine.StatusSuccess {
		t.Errorf("nodes: %+v", rec.Nodes)
	}

	// Again, with the app: the model is loaded from --sports-model.
	cmd, stdout, stderr := startPipe(t, append([]string{"run"}, append(set, "--json", "--runs-dir", t.TempDir())...)...)
	defer cmd.Process.Kill()
	serving := regexp.MustCompile(`\[web_interface\] serving on (http://127\.0\.0\.1:\d+)`)
	var url string
	for deadline := time.Now().Add(2 * time.Minute); url == ""; time.Sleep(50 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the Flask app did not start\n%s", stderr.String())
		}
	}
	get := func(path string) (int, map[string]any) {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		var v map[string]any
		json.Unmarshal(body, &v)
		return resp.StatusCode, v
	}
	code, p := get("/api/predict?home=Arsenal%20FC&away=Chelsea%20FC")
	sum, _ := p["p_home"].(float64)
	sum += p["p_draw"].(float64) + p["p_away"].(float64)
	if code != 200 || sum < 0.999 || sum > 1.001 {
		t.Errorf("/api/predict: %d %v", code, p)
	}
	if code, p := get("/api/predict?home=Arsenal&away=Chelsea%20FC"); code != 404 || p["error"] != "unknown team 'Arsenal' (did you mean Arsenal FC?)" {
		t.Errorf("/api/predict with a wrong name: %d %v", code, p)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("exit %v, want 130\n%s", err, stderr.String())
	}
	var again engine.Record
	if err := json.Unmarshal(stdout.Bytes(), &again); err != nil {
		t.Fatalf("record: %v\n%s", err, stdout.String())
	}
	if msg := again.Nodes["sports_predictor"].Message; !regexp.MustCompile(`^loaded .*custom_sports\.pth`).MatchString(msg) {
		t.Errorf("the model was not loaded from --sports-model: %q", msg)
	}
	if !regexp.MustCompile(`\[web_interface\] INFO web_interface: stopped`).MatchString(stderr.String()) {
		t.Errorf("the app did not stop cleanly\n%s", stderr.String())
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Errorf("the app still answers at %s after the run", url)
	}
}
