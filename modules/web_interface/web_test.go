package web_interface

import (
	"context"
	"encoding/json"
	"image/color"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/pipe-run/pipe/modules"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type fakeRun struct{}

func (fakeRun) ID() string                { return "run-1" }
func (fakeRun) Pipeline() string          { return "predict" }
func (fakeRun) Snapshot() ([]byte, error) { return []byte(`{"id":"run-1","status":"running"}`), nil }
func (fakeRun) Graph() ([]byte, error) {
	return []byte("digraph \"p\" {\n  \"fit\" [label=\"fit\"];\n  \"fit\" -> \"serve\";\n}\n"), nil
}

func testInput(addr string, logger *slog.Logger) *modules.Input {
	return &modules.Input{Node: "web", Attempt: 1, Logger: logger, Run: fakeRun{}, With: map[string]any{
		"addr":  addr,
		"title": "pipe <test>",
		"predictions": []any{
			map[string]any{"date": "2025-08-10", "home": "Arsenal", "away": "Wolves", "p_home": 0.71, "p_draw": 0.18, "p_away": 0.11, "odds": map[string]any{"home": 1.4, "draw": 4.8, "away": 8.0}},
			map[string]any{"date": "2025-08-10", "home": "Everton", "away": "Fulham", "p_home": 0.41, "p_draw": 0.29, "p_away": 0.30},
		},
		"bets":     []any{map[string]any{"home": "Everton", "away": "Fulham", "outcome": "home", "odds": 2.7, "ev": 0.107, "stake": 12.5}},
		"metrics":  map[string]any{"method": "dixon_coles", "log_loss": 0.93, "n": 760, "accuracy": 0.55},
		"backtest": map[string]any{"verdict": "no evidence of an edge"},
	}}
}

func TestEndpoints(t *testing.T) {
	srv := httptest.NewServer(limit(newHandler(pageFrom(testInput("", slog.New(slog.DiscardHandler))), fakeRun{}), new(atomic.Int64)))
	defer srv.Close()
	tests := []struct {
		method, path string
		status       int
		contains     string
	}{
		{"GET", "/healthz", 200, `"ok"`},
		{"GET", "/api/predictions", 200, `"Arsenal"`},
		{"GET", "/api/bets", 200, `"Everton"`},
		{"GET", "/api/metrics", 200, `"dixon_coles"`},
		{"GET", "/api/backtest", 200, "no evidence"},
		{"GET", "/api/run", 200, `"run-1"`},
		{"GET", "/", 200, "<table id=\"predictions\">"},
		{"HEAD", "/healthz", 200, ""},
		{"POST", "/api/bets", 405, "read-only"},
		{"DELETE", "/", 405, ""},
		{"GET", "/nope", 404, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s %s: %d %q; want %d containing %q", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.contains)
		}
		if tt.status == 200 && strings.HasPrefix(tt.path, "/api") && tt.method == "GET" && !json.Valid(body) {
			t.Errorf("%s is not JSON", tt.path)
		}
	}
	page := get(t, srv.URL+"/")
	if !strings.Contains(page, "pipe &lt;test&gt;") || strings.Contains(page, "pipe <test>") {
		t.Error("the title is not escaped")
	}
}

// urlRecorder catches the url the module logs when it starts serving.
type urlRecorder struct {
	slog.Handler
	mu  sync.Mutex
	url string
}

func (u *urlRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (u *urlRecorder) Handle(ctx context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "url" {
			u.mu.Lock()
			u.url = a.Value.String()
			u.mu.Unlock()
		}
		return true
	})
	return nil
}

func (u *urlRecorder) get() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.url
}

// serve runs the module on a free port until the test ends it.
func serve(t *testing.T) (url string, stop func() *modules.Output) {
	t.Helper()
	return serveInput(t, func(l *slog.Logger) *modules.Input { return testInput("127.0.0.1:0", l) })
}

// serveInput is serve with the input made by in, given the logger the
// server's url is caught from.
func serveInput(t *testing.T, in func(*slog.Logger) *modules.Input) (url string, stop func() *modules.Output) {
	t.Helper()
	rec := &urlRecorder{Handler: slog.DiscardHandler}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan *modules.Output, 1)
	input := in(slog.New(rec))
	go func() {
		out, err := (&Web{}).Run(ctx, input)
		if err != nil {
			t.Error(err)
		}
		done <- out
	}()
	deadline := time.Now().Add(5 * time.Second)
	for rec.get() == "" {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return rec.get(), func() *modules.Output { cancel(); return <-done }
}

func get(t *testing.T, url string) string {
	t.Helper()
	_, body := getStatus(t, url)
	return body
}

func TestServesUntilCancelledThenSucceeds(t *testing.T) {
	url, stop := serve(t)
	if body := get(t, url+"/healthz"); !strings.Contains(body, "ok") {
		t.Errorf("healthz: %s", body)
	}
	out := stop()
	if out == nil || out.Values["requests"] != 1 || out.Values["url"] != url {
		t.Errorf("output %+v", out)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("still serving after the run was stopped")
	}
}

func TestAddressInUse(t *testing.T) {
	url, stop := serve(t)
	defer stop()
	_, err := (&Web{}).Run(context.Background(), testInput(strings.TrimPrefix(url, "http://"), slog.New(slog.DiscardHandler)))
	// Both ways to choose another: the input, and the config key it
	// reads in pipelines/predict.yaml, as a flag and with --set.
	if err == nil || !strings.Contains(err.Error(), "addr input (127.0.0.1:0") || !strings.Contains(err.Error(), "--web-addr HOST:PORT or --set WEB_ADDR=HOST:PORT") {
		t.Errorf("second server on the same port: %v", err)
	}
}

// chromium runs headless Chromium with args (and a throw-away profile),
// or skips the test when it is not installed.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no Chromium installed (Debian: apt-get install chromium; .ci/run installs it): the browser test is skipped")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile}, args...)...)
	cmd.Stderr = io.Discard
	cmd.Env = append(os.Environ(), "HOME="+profile)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return out
}

// TestPageInChromium opens the page in real headless Chromium and checks
// that the tables and the charts render.
func TestPageInChromium(t *testing.T) {
	url, stop := serveInput(t, func(l *slog.Logger) *modules.Input {
		in := dashboardInput(t, "127.0.0.1:0")
		in.Logger = l
		return in
	})
	defer stop()
	dom := string(chromium(t, "--dump-dom", url+"/"))
	for _, want := range []string{"<table id=\"predictions\">", "Arsenal", "0.71", "1.4 / 4.8 / 8", "<table id=\"bets\">", "Everton", "no evidence of an edge", "55.0%",
		"<table id=\"methods\">", "<table id=\"backtest\">"} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	checkCharts(t, dom, []string{"calibration-chart", "seasons-chart", "profit-chart", "bankroll-chart"})

	// Drawn, not only present: the screenshot has the blend's colour
	// (#0072B2) where its lines are.
	shot := filepath.Join(t.TempDir(), "page.png")
	chromium(t, "--hide-scrollbars", "--window-size=1400,2600", "--screenshot="+shot, url+"/")
	if n := pixelsOf(t, shot, color.RGBA{0x00, 0x72, 0xB2, 0xff}); n < 500 {
		t.Errorf("the screenshot has %d pixels of the blend's colour: the charts are not drawn", n)
	}
}
