package web_interface

import (
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A NaN metric is served as "NaN", not as an empty body.
func TestServesNonFiniteMetrics(t *testing.T) {
	in := testInput("", slog.New(slog.DiscardHandler))
	in.With["metrics"] = map[string]any{"log_loss": math.NaN(), "edge": math.Inf(-1)}
	in.With["predictions"] = []any{map[string]any{"home": "A", "away": "B", "p_home": math.NaN()}}
	srv := httptest.NewServer(limit(newHandler(pageFrom(in), fakeRun{}), new(atomic.Int64)))
	defer srv.Close()
	for path, want := range map[string]string{"/api/metrics": `"NaN"`, "/api/predictions": `"NaN"`, "/": "NaN"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %q, want 200 and %s", path, resp.StatusCode, body, want)
		}
		if strings.HasPrefix(path, "/api/") && !json.Valid(body) {
			t.Errorf("%s: %q is not JSON", path, body)
		}
	}
}

// A secret that reached a served value reads ***, as in the run record.
func TestServesNoSecrets(t *testing.T) {
	in := testInput("", slog.New(slog.DiscardHandler))
	in.Secrets = []string{"tok_SUPERSECRET_123"}
	in.With["metrics"] = map[string]any{"note": "key tok_SUPERSECRET_123 used"}
	in.With["bets"] = []any{map[string]any{"home": "tok_SUPERSECRET_123"}}
	srv := httptest.NewServer(limit(newHandler(pageFrom(in), fakeRun{}), new(atomic.Int64)))
	defer srv.Close()
	for _, path := range []string{"/api/metrics", "/api/bets", "/"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "SUPERSECRET") || !strings.Contains(string(body), "***") {
			t.Errorf("%s serves %q", path, body)
		}
	}
}
