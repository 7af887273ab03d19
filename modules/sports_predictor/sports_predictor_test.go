package sports_predictor

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

func run(t *testing.T, with map[string]any) (*modules.Output, error) {
	t.Helper()
	full := map[string]any{"data": Synthetic, "method": "dixon_coles", "mode": "auto", "evaluate": true, "compare": true, "cache_dir": t.TempDir()}
	for k, v := range with {
		full[k] = v
	}
	return Predictor{}.Run(context.Background(), &modules.Input{Node: "sp", With: full, Attempt: 1, Logger: slog.New(slog.DiscardHandler)})
}

func TestSyntheticDefault(t *testing.T) {
	out, err := run(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Message, "SYNTHETIC") {
		t.Errorf("message does not say the data is synthetic: %s", out.Message)
	}
	preds := out.Values["predictions"].([]any)
	if len(preds) != 10 {
		t.Fatalf("%d predictions, want the 10 synthetic fixtures", len(preds))
	}
	m := out.Values["metrics"].(map[string]any)
	ll, base := m["log_loss"].(float64), m["base_rates"].(map[string]any)["log_loss"].(float64)
	if m["synthetic"] != true || m["n"] != 760 || !(ll < base) {
		t.Errorf("metrics %v: want 760 held-out matches, better than base rates", m)
	}
	if len(out.Values["evaluation"].([]any)) != 760 {
		t.Errorf("evaluation rows: %d", len(out.Values["evaluation"].([]any)))
	}
}

func TestSaveThenLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "models", "sports.json")
	first, err := run(t, map[string]any{"model": path, "evaluate": false})
	if err != nil {
		t.Fatal(err)
	}
	if first.Values["model"].(map[string]any)["loaded"] != false {
		t.Fatal("first run loaded a model that did not exist")
	}
	second, err := run(t, map[string]any{"model": path, "evaluate": false})
	if err != nil {
		t.Fatal(err)
	}
	// Reusing a fit is the node cache's: auto fits again, to the same model.
	if second.Values["model"].(map[string]any)["loaded"] != false {
		t.Error("auto loaded the saved model: the node cache is the one way a fit is reused")
	}
	p1 := first.Values["predictions"].([]any)[0].(map[string]any)
	p2 := second.Values["predictions"].([]any)[0].(map[string]any)
	if p1["p_home"] != p2["p_home"] {
		t.Errorf("the second fit predicts %v, the first %v", p2["p_home"], p1["p_home"])
	}
	// Other settings: auto fits anew rather than use a stale model, and
	// leaves the file alone.
	before, _ := os.ReadFile(path)
	third, _ := run(t, map[string]any{"model": path, "evaluate": false, "half_life_days": 100.0})
	if third.Values["model"].(map[string]any)["loaded"] != false {
		t.Error("a model fitted with other settings was loaded")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("auto overwrote a model file fitted on other settings")
	}
	if loaded, err := run(t, map[string]any{"model": path, "mode": "load", "evaluate": false, "half_life_days": 100.0}); err != nil || loaded.Values["model"].(map[string]any)["loaded"] != true {
		t.Errorf("mode load: %v", err)
	}
	if _, err := run(t, map[string]any{"model": path + ".missing", "mode": "load"}); err == nil {
		t.Error("mode load of a missing file succeeded")
	}
	os.WriteFile(path, []byte(`{"format": "pipe/sports_predictor", "version": 99}`), 0o644)
	if _, err := run(t, map[string]any{"model": path, "mode": "load"}); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Errorf("loading a newer version: %v", err)
	}
}

func TestFixtures(t *testing.T) {
	out, err := run(t, map[string]any{"evaluate": false, "fixtures": []any{
		"Synthetic City - Synthetic Rovers",
		map[string]any{"home": "Synthetic Rovers", "away": "Synthetic City", "date": "2026-01-01", "odds": []any{2.5, 3.2, 2.9}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	preds := out.Values["predictions"].([]any)
	a, b := preds[0].(map[string]any), preds[1].(map[string]any)
	if a["home"] != "Synthetic City" || b["odds"] == nil || a["p_home"] == b["p_away"] {
		t.Errorf("predictions %v %v", a, b)
	}
	_, err = run(t, map[string]any{"evaluate": false, "fixtures": []any{"Synthetic Cty - Synthetic Rovers"}})
	if err == nil || !strings.Contains(err.Error(), `unknown team "Synthetic Cty"`) || !strings.Contains(err.Error(), `did you mean "Synthetic City"`) {
		t.Errorf("unknown team: %v", err)
	}
	for _, bad := range []any{[]any{"just one team"}, []any{42}, 7} {
		if _, err := run(t, map[string]any{"evaluate": false, "fixtures": bad}); err == nil {
			t.Errorf("fixtures %v accepted", bad)
		}
	}
}

func TestRealDataErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-01,A,B,1,0\n2024-01-08,B,A,one,0\n"), 0o644)
	if _, err := run(t, map[string]any{"data": bad}); err == nil || !strings.Contains(err.Error(), "bad.csv:3:") {
		t.Errorf("bad row: %v", err)
	}
	if _, err := run(t, map[string]any{"data": filepath.Join(dir, "none.csv")}); err == nil {
		t.Error("missing data file accepted")
	}
	if _, err := run(t, map[string]any{"method": "neural"}); err == nil || !strings.Contains(err.Error(), "unknown method") {
		t.Errorf("bad method: %v", err)
	}
	if _, err := run(t, map[string]any{"eval_from": "1999-2000"}); err == nil || !strings.Contains(err.Error(), "no season") {
		t.Errorf("bad eval_from: %v", err)
	}
	if _, err := run(t, map[string]any{"eval_from": "1999-00"}); err == nil || !strings.Contains(err.Error(), "no season") {
		t.Errorf("bad short eval_from: %v", err)
	}
}

// "2024-25" and "2024-2025" name the same held-out season.
func TestEvalFromShortSeason(t *testing.T) {
	long, err := run(t, map[string]any{"eval_from": "2024-2025"})
	if err != nil {
		t.Fatal(err)
	}
	short, err := run(t, map[string]any{"eval_from": "2024-25"})
	if err != nil {
		t.Fatalf("short season name: %v", err)
	}
	if fmt.Sprint(long.Values["metrics"]) != fmt.Sprint(short.Values["metrics"]) {
		t.Errorf("metrics differ:\n%v\n%v", long.Values["metrics"], short.Values["metrics"])
	}
}
