package web_interface

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// fittedModel is sports_predictor's model output for an Elo model of the
// synthetic league: the web node's model input.
func fittedModel(t testing.TB) map[string]any {
	t.Helper()
	opts := model.DefaultOptions(model.MethodElo)
	m, _ := model.New(opts)
	ms := football.NewSyntheticLeague().Matches()
	at := ms[len(ms)-1].When.Add(24 * time.Hour)
	m.Fit(ms, at)
	b, err := modules.MarshalJSON(model.NewFile(m, opts, football.Source{}, true, "test", at))
	if err != nil {
		t.Fatal(err)
	}
	fitted, err := modules.DecodeJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"method": "elo", "fitted": fitted, "current_teams": []any{"Synthetic City", "Synthetic Rovers", "Synthetic United"}}
}

// dashboardInput is testInput with what the dashboard draws: the metrics
// and backtest of a comparison, and the model.
func dashboardInput(t *testing.T, addr string) *modules.Input {
	in := testInput(addr, slog.New(slog.DiscardHandler))
	in.With["model"] = fittedModel(t)
	in.With["fixtures"] = map[string]any{"source": "data", "count": 2, "note": "the data's unplayed matches"}
	season := func(a, b float64) map[string]any {
		return map[string]any{"2017-2018": map[string]any{"n": 380, "log_loss": a}, "2018-2019": map[string]any{"n": 380, "log_loss": b}}
	}
	in.With["metrics"] = map[string]any{
		"method": "blend", "n": 760, "log_loss": 0.9281, "accuracy": 0.55,
		"base_rates": map[string]any{"log_loss": 1.0568},
		"market":     map[string]any{"n": 760, "log_loss": 0.9164, "model_log_loss_same_matches": 0.9281, "seasons": season(0.9401, 0.8927)},
		"methods": map[string]any{
			"blend":       map[string]any{"n": 760, "log_loss": 0.9281, "seasons": season(0.9576, 0.8985)},
			"dixon_coles": map[string]any{"n": 760, "log_loss": 0.9276, "seasons": season(0.9561, 0.8991)},
			"elo":         map[string]any{"n": 760, "log_loss": 0.9320, "seasons": season(0.9610, 0.9030)},
		},
		"calibration": map[string]any{
			"model":  []any{map[string]any{"p": 0.15, "observed": 0.13, "n": 300}, map[string]any{"p": 0.45, "observed": 0.47, "n": 500}, map[string]any{"p": 0.75, "observed": 0.77, "n": 200}},
			"market": []any{map[string]any{"p": 0.16, "observed": 0.14, "n": 310}, map[string]any{"p": 0.44, "observed": 0.45, "n": 480}},
		},
	}
	path := map[string]any{"bet": []any{1, 2, 3, 4}, "profit": []any{-1.0, 0.5, -0.5, -1.5}, "bankroll": []any{990.0, 1003.0, 995.0, 985.5},
		"lo": []any{-1.0, -2.0, -3.1, -4.0}, "hi": []any{1.5, 2.9, 3.5, 4.2}, "seasons": []any{map[string]any{"season": "2017-2018", "bet": 1}, map[string]any{"season": "2018-2019", "bet": 3}}}
	in.With["backtest"] = map[string]any{
		"verdict": "no evidence of an edge", "bets": 4, "profit": -1.5, "roi": -0.375, "roi_ci95": []any{-1.0, 1.05}, "hit_rate": 0.25,
		"max_drawdown_units": 2.0, "kelly": map[string]any{"start": 1000, "final": 985.5, "max_drawdown": 0.0182}, "path": path,
		"baselines": map[string]any{"every_outcome_roi": -0.0757, "favourite_roi": -0.0409},
		"methods": map[string]any{
			"blend": map[string]any{"bets": 4, "profit": -1.5},
			"elo":   map[string]any{"bets": 7, "profit": 3.25, "roi": 0.4643, "roi_ci95": []any{-0.2, 1.1}, "hit_rate": 0.4286, "kelly": map[string]any{"start": 1000, "final": 1040}, "path": path},
		},
	}
	return in
}

func dashboardServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(limit(newHandler(pageFrom(dashboardInput(t, "")), fakeRun{}), new(atomic.Int64)))
	t.Cleanup(srv.Close)
	return srv
}

func getStatus(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// GET /api/predict answers any match the model knows, reads names
// loosely, and says "did you mean" for the others.
func TestAPIPredict(t *testing.T) {
	srv := dashboardServer(t)
	tests := []struct {
		name, query string
		status      int
		want        map[string]any
	}{
		{"known clubs", "home=Synthetic+City&away=Synthetic+Rovers", 200, map[string]any{"home": "Synthetic City", "away": "Synthetic Rovers", "method": "elo"}},
		{"case and spaces", "home=synthetic++city&away=SYNTHETIC%20ROVERS", 200, map[string]any{"home": "Synthetic City", "away": "Synthetic Rovers"}},
		{"typo", "home=Synthetic+Cty&away=Synthetic+Rovers", 400, map[string]any{"did_you_mean": map[string]any{"home": "Synthetic City"}}},
		{"two typos", "home=Synthetic+Cty&away=Synthtic+Rovers", 400, map[string]any{"did_you_mean": map[string]any{"home": "Synthetic City", "away": "Synthetic Rovers"}}},
		{"nothing like it", "home=Zzqx&away=Synthetic+Rovers", 400, map[string]any{}},
		{"missing away", "home=Synthetic+City", 400, map[string]any{}},
		{"itself", "home=Synthetic+City&away=synthetic+city", 400, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := getStatus(t, srv.URL+"/api/predict?"+tt.query)
			var got map[string]any
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("not JSON: %s", body)
			}
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			for k, v := range tt.want {
				if gb, _ := json.Marshal(got[k]); string(gb) != mustJSON(v) {
					t.Errorf("%s = %s, want %s", k, gb, mustJSON(v))
				}
			}
			if status == 200 {
				sum := got["p_home"].(float64) + got["p_draw"].(float64) + got["p_away"].(float64)
				if sum < 0.999 || sum > 1.001 || got["pick"] == "" {
					t.Errorf("probabilities sum to %v: %s", sum, body)
				}
			} else if got["error"] == nil {
				t.Errorf("no error said: %s", body)
			}
		})
	}
	// Without a model there is nothing to predict with: 503, saying what
	// to give.
	in := testInput("", slog.New(slog.DiscardHandler))
	bare := httptest.NewServer(newHandler(pageFrom(in), fakeRun{}))
	defer bare.Close()
	for _, path := range []string{"/api/predict?home=A&away=B", "/api/teams"} {
		if status, body := getStatus(t, bare.URL+path); status != 503 || !strings.Contains(body, "outputs.model") {
			t.Errorf("%s without a model: %d %s", path, status, body)
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAPITeams(t *testing.T) {
	_, body := getStatus(t, dashboardServer(t).URL+"/api/teams")
	var got struct{ Current, All []string }
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Current) != 3 || len(got.All) != 20 || got.All[0] > got.All[1] {
		t.Errorf("teams %s: want the 3 current and the 20 known, sorted", body)
	}
}

// The page draws four charts, each with its axes, and lists the methods
// side by side; the form answers in the page, with "did you mean".
func TestDashboardPage(t *testing.T) {
	srv := dashboardServer(t)
	_, page := getStatus(t, srv.URL+"/")
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="calibration-chart"`, `id="seasons-chart"`, `id="profit-chart"`, `id="bankroll-chart"`,
		">predicted probability<", ">observed frequency<", ">2017-18<", "95% band (blend)", "market", "perfectly calibrated",
		`<table id="methods">`, "dixon_coles", "0.9276", `<table id="backtest">`, "1000 → 985.50", "-37.5%", "[-100.0%, &#43;105.0%]", "25.0%",
		"backing every outcome -7.6% ROI", `<form id="ask-form"`, `<option value="Synthetic City">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if n := strings.Count(page, `class="axis x-axis"`); n != 4 {
		t.Errorf("%d x axes, want one per chart", n)
	}
	_, asked := getStatus(t, srv.URL+"/?"+url.Values{"home": {"Synthetic City"}, "away": {"Synthetic Rovers"}}.Encode())
	if !strings.Contains(asked, "<strong>Synthetic City v Synthetic Rovers</strong>: home ") {
		t.Error("the form's question is not answered on the page")
	}
	_, typo := getStatus(t, srv.URL+"/?home=Synthetic+Cty&away=Synthetic+Rovers")
	if !strings.Contains(typo, `did you mean home=&#34;Synthetic City&#34;?`) || !strings.Contains(typo, `href="/?home=Synthetic%20City&amp;away=Synthetic%20Rovers#ask"`) {
		t.Errorf("the page's did-you-mean is missing or not a link:\n%s", between(typo, `id="answer"`, "</p>"))
	}
}

// With no fixture, the page says what to give instead of an empty table;
// without odds or evaluation, it says why a chart is missing.
func TestDashboardHints(t *testing.T) {
	in := testInput("", slog.New(slog.DiscardHandler))
	in.With["predictions"] = []any{}
	in.With["fixtures"] = map[string]any{"source": "none", "note": "the data's last season (2025-2026) is complete: give FIXTURES (a CSV)"}
	in.With["metrics"] = map[string]any{"method": "elo", "note": "one season only: nothing held out to evaluate on"}
	in.With["backtest"] = map[string]any{"verdict": "no bets", "matches": 0, "bets": 0, "kelly": map[string]any{"start": 1000, "final": 1000}}
	srv := httptest.NewServer(newHandler(pageFrom(in), fakeRun{}))
	defer srv.Close()
	_, page := getStatus(t, srv.URL+"/")
	for _, want := range []string{`<p class="hint" id="fixtures-hint">No fixtures to predict: the data&#39;s last season (2025-2026) is complete: give FIXTURES`,
		"No evaluation: nothing held out", "give ODDS (a CSV of odds) to backtest"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, `<table id="predictions">`) || strings.Contains(page, `class="chart"`) {
		t.Error("an empty table or chart is drawn")
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// Whatever a user types, /api/predict answers 200 with probabilities or
// 400 saying why; never a panic, never an unknown name passed to the model.
func FuzzAsk(f *testing.F) {
	for _, seed := range [][2]string{{"Synthetic City", "Synthetic Rovers"}, {"synthetic  city", ""}, {"Synthetic Cty", "\x00"}, {"é", "ÉÉ"}, {"Synthetic City", "synthetic city"}} {
		f.Add(seed[0], seed[1])
	}
	p, why := predictorFrom(fittedModel(f))
	if p == nil {
		f.Fatal(why)
	}
	f.Fuzz(func(t *testing.T, home, away string) {
		a := p.ask(home, away, "")
		switch a.status {
		case 200:
			if !p.m.Known(a.Home) || !p.m.Known(a.Away) || a.Home == a.Away || a.PHome+a.PDraw+a.PAway < 0.999 {
				t.Errorf("%q v %q: %+v", home, away, a)
			}
		case 400:
			if a.Error == "" {
				t.Errorf("%q v %q: refused without a word", home, away)
			}
		default:
			t.Errorf("%q v %q: status %d", home, away, a.status)
		}
	})
}
