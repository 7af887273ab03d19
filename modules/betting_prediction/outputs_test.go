package betting_prediction

import (
	"context"
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
