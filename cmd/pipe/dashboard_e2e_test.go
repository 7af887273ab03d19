package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// webURL waits for the web_interface node to log where it serves.
func webURL(t *testing.T, stderr *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if i := strings.Index(stderr.String(), "url=http://"); i >= 0 {
			return strings.Fields(stderr.String()[i+4:])[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("the web interface did not start:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestDashboardOnRealData runs pipelines/predict.yaml on a real league
// with odds and reads the dashboard as a user would: four charts, the
// methods side by side with the market, the backtest's figures, a hint
// instead of an empty fixtures table (every match of the data is played),
// and any match predicted on request, with "did you mean" for the
// dataset's long club names.
func TestDashboardOnRealData(t *testing.T) {
	data := filepath.Join("..", "shared", "data", "odds", "england_premier-league.csv") // from the repository root
	if _, err := os.Stat(filepath.Join("../..", data)); err != nil {
		t.Skipf("real data absent (%v): see ../shared/data/README.md", err)
	}
	dir := t.TempDir()
	cmd, _, stderr := startPipe(t, "run", "pipelines/predict.yaml", "--runs-dir", dir, "--no-cache",
		"--data", data, "--web-addr", "127.0.0.1:0", "--sports-model", filepath.Join(dir, "sports.json"))
	defer cmd.Process.Kill()
	url := webURL(t, stderr)

	_, page := httpGet(t, url+"/")
	for _, want := range []string{`id="calibration-chart"`, `id="seasons-chart"`, `id="profit-chart"`, `id="bankroll-chart"`,
		`<table id="methods">`, "dixon_coles", "market (odds de-margined by shin)", `<table id="backtest">`, "Kelly bankroll",
		`id="fixtures-hint"`, "give FIXTURES", `<option value="Arsenal FC">`, ">2017-18<", ">2018-19<"} {
		if !strings.Contains(page, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	if strings.Contains(page, "2017-08-01") {
		t.Error("a date made up from a round number is on the page: the data has no dates")
	}

	status, body := httpGet(t, url+"/api/predict?home=Arsenal&away=Chelsea")
	var miss struct {
		Error      string            `json:"error"`
		DidYouMean map[string]string `json:"did_you_mean"`
	}
	json.Unmarshal([]byte(body), &miss)
	if status != 400 || miss.DidYouMean["home"] != "Arsenal FC" || miss.DidYouMean["away"] != "Chelsea FC" {
		t.Errorf("/api/predict with short names: %d %s; want 400 and did you mean Arsenal FC, Chelsea FC", status, body)
	}
	status, body = httpGet(t, url+"/api/predict?home=Arsenal+FC&away=Chelsea+FC")
	var hit map[string]any
	json.Unmarshal([]byte(body), &hit)
	if status != 200 || hit["p_home"] == nil || hit["method"] != "blend" {
		t.Errorf("/api/predict: %d %s", status, body)
	}

	_, body = httpGet(t, url+"/api/backtest")
	var bt struct {
		Bets    int            `json:"bets"`
		Path    map[string]any `json:"path"`
		Methods map[string]any `json:"methods"`
		Market  map[string]any `json:"market"`
	}
	json.Unmarshal([]byte(body), &bt)
	if bt.Bets == 0 || len(bt.Path["bet"].([]any)) == 0 || len(bt.Methods) != 3 || bt.Market["n"] != 760.0 {
		t.Errorf("/api/backtest: %d bets, path %d points, %d methods, market %v", bt.Bets, len(bt.Path["bet"].([]any)), len(bt.Methods), bt.Market["n"])
	}

	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v\n%s", err, stderr.String())
	}
}
