package betting_prediction

import (
	"context"
	"fmt"
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

// The verdict prints the ROI and interval the backtest holds, rounded
// once: a table made from the output (pipelines/leagues.yaml), the
// dashboard and the verdict show the same figure.
func TestVerdictPrintsTheStoredROI(t *testing.T) {
	const n = 400
	for wins := 80; wins <= 200; wins += 3 {
		t.Run(fmt.Sprint(wins), func(t *testing.T) {
			var ev []any
			for i := range n {
				res := "home"
				if i < wins {
					res = "away"
				}
				ev = append(ev, pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{2.0, 3.5, 2.85}, res))
			}
			out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{}, "evaluation": ev}))
			if err != nil {
				t.Fatal(err)
			}
			bt := out.Values["backtest"].(map[string]any)
			roi, ci := bt["roi"].(float64), bt["roi_ci95"].([]any)
			for _, x := range []float64{roi, ci[0].(float64), ci[1].(float64)} {
				if k := x * 1000; math.Abs(k-math.Round(k)) > 1e-6 {
					t.Errorf("%v is not rounded to a tenth of a percent: shown with one decimal, it is rounded twice", x)
				}
			}
			verdict := bt["verdict"].(string)
			want := fmt.Sprintf("ROI %+.1f%% over %d bets", roi*100, n)
			interval := fmt.Sprintf("[%+.1f%%, %+.1f%%]", ci[0].(float64)*100, ci[1].(float64)*100)
			if !strings.Contains(verdict, want) || !strings.Contains(verdict, interval) {
				t.Errorf("verdict %q, want %q and %q: the figures the output holds (roi %v)", verdict, want, interval, roi)
			}
		})
	}
}
