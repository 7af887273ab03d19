package betting_prediction

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules/internal/modtest"
)

// An empty evaluation (sports_predictor on one season holds nothing out)
// is priced, and the backtest says there is nothing to backtest rather
// than that no match had value; every declared output is of its type.
func TestEmptyEvaluation(t *testing.T) {
	preds := []any{pred("A", "B", [3]float64{0.6, 0.25, 0.15}, [3]float64{2.1, 3.5, 5.0}, "")}
	noOdds := map[string]any{"home": "A", "away": "B", "p_home": 0.5, "p_draw": 0.3, "p_away": 0.2, "result": "home"}
	for _, tc := range []struct {
		name    string
		with    map[string]any
		verdict string // "" when there is no backtest
	}{
		{"empty evaluation", map[string]any{"predictions": preds, "evaluation": []any{}}, "nothing to backtest: the evaluation holds no held-out matches"},
		{"no predictions either", map[string]any{"predictions": []any{}, "evaluation": []any{}}, "nothing to backtest"},
		{"held-out matches without odds", map[string]any{"predictions": preds, "evaluation": []any{noOdds}}, "nothing to backtest: none of the 1 held-out matches has both odds"},
		{"no evaluation", map[string]any{"predictions": preds}, ""},
		{"no value", map[string]any{"predictions": []any{}, "evaluation": []any{pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{3.0, 3.2, 2.4}, "home")}}, "no bets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Betting{}.Run(context.Background(), input(tc.with))
			if err != nil {
				t.Fatal(err)
			}
			if tc.verdict == "" {
				modtest.CheckOutputs(t, "betting_prediction", out.Values, "backtest")
				return
			}
			modtest.CheckOutputs(t, "betting_prediction", out.Values)
			if v, _ := out.Values["backtest"].(map[string]any)["verdict"].(string); !strings.HasPrefix(v, tc.verdict) {
				t.Errorf("verdict %q, want %q", v, tc.verdict)
			}
			if !strings.Contains(out.Message, tc.verdict) {
				t.Errorf("message %q does not give the verdict", out.Message)
			}
		})
	}
}

// Odds that are not finite or not above 1 are no odds: such a prediction
// is not priced, and a held-out match with them stays out of the backtest,
// its yardsticks and the market's figures, which stay finite.
func TestUnusableOddsAreNotPriced(t *testing.T) {
	good := pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{2.0, 3.5, 3.0}, "home")
	for _, tc := range []struct {
		name string
		odds [3]float64
	}{
		{"infinite draw", [3]float64{2.0, math.Inf(1), 3.0}},
		{"minus infinity", [3]float64{2.0, 3.5, math.Inf(-1)}},
		{"NaN", [3]float64{math.NaN(), 3.5, 3.0}},
		{"zero", [3]float64{2.0, 3.5, 0}},
		{"negative", [3]float64{2.0, 3.5, -2}},
		{"one", [3]float64{1, 3.5, 3.0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := pred("C", "D", [3]float64{0.3, 0.3, 0.4}, tc.odds, "draw")
			var ev []any
			for range 50 {
				ev = append(ev, good, bad)
			}
			out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{good, bad}, "evaluation": ev}))
			if err != nil {
				t.Fatal(err)
			}
			modtest.CheckOutputs(t, "betting_prediction", out.Values)
			if s := out.Values["summary"].(map[string]any); s["matches_priced"] != 1 {
				t.Errorf("summary %v: want the one match with usable odds priced", s)
			}
			for _, b := range out.Values["priced"].([]any) {
				if b.(map[string]any)["home"] == "C" {
					t.Errorf("priced %v", b)
				}
			}
			bt := out.Values["backtest"].(map[string]any)
			if bt["matches"] != 50 {
				t.Errorf("backtest on %v matches, want the 50 with usable odds", bt["matches"])
			}
			for name, v := range bt["baselines"].(map[string]any) {
				if f := v.(float64); math.IsInf(f, 0) || math.IsNaN(f) {
					t.Errorf("baseline %s = %v", name, f)
				}
			}
			if ll := bt["market"].(map[string]any)["log_loss"].(float64); math.IsInf(ll, 0) || math.IsNaN(ll) || bt["market"].(map[string]any)["n"] != 50 {
				t.Errorf("market %v", bt["market"])
			}
		})
	}
}

// An odds file that is not there is named with its input and the config
// key that set it.
func TestMissingOddsFile(t *testing.T) {
	in := input(map[string]any{"predictions": []any{map[string]any{"home": "A", "away": "B", "p_home": 0.5, "p_draw": 0.3, "p_away": 0.2}}, "odds": "nope.csv"})
	in.Dir, in.Env = t.TempDir(), []string{"ODDS=nope.csv"}
	_, err := Betting{}.Run(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), `input odds: no such file or directory "nope.csv" (from config ODDS; a relative path resolves against the pipeline's base directory`) {
		t.Errorf("error %v", err)
	}
}
