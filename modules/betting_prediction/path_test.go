package betting_prediction

import (
	"context"
	"testing"
)

// The path ends where the backtest does, its band holds the path's end
// and, at the last bet, is the ROI interval times the bets; each method
// the rows carry gets its own figures.
func TestBacktestPathAndMethods(t *testing.T) {
	var rows []any
	for i := range 450 {
		res := []string{"home", "away", "away"}[i%3]
		row := pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{2.0, 3.5, 3.0}, res)
		row["season"] = []string{"2017-2018", "2018-2019"}[i/300]
		row["methods"] = map[string]any{
			"elo":   []any{0.3, 0.3, 0.4},      // backs away, as the main one
			"flat":  []any{0.45, 0.28, 0.27},   // sees no value: no bets
			"wrong": []any{0.5, 0.2, "no way"}, // not probabilities: ignored
		}
		rows = append(rows, row)
	}
	out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{}, "evaluation": rows}))
	if err != nil {
		t.Fatal(err)
	}
	bt := out.Values["backtest"].(map[string]any)
	path := bt["path"].(map[string]any)
	bets, profit, lo, hi := path["bet"].([]any), path["profit"].([]any), path["lo"].([]any), path["hi"].([]any)
	if len(bets) > maxPathPoints || bets[len(bets)-1] != 450 || len(path["bankroll"].([]any)) != len(bets) {
		t.Fatalf("path of %d points ending at bet %v", len(bets), bets[len(bets)-1])
	}
	last := len(bets) - 1
	if profit[last] != bt["profit"] {
		t.Errorf("path ends at %v, the backtest's profit is %v", profit[last], bt["profit"])
	}
	ci := bt["roi_ci95"].([]any)
	for k, want := range []float64{ci[0].(float64) * 450, ci[1].(float64) * 450} {
		got := []any{lo[last], hi[last]}[k].(float64)
		if d := got - want; d > 0.05*450 || d < -0.05*450 {
			t.Errorf("band end %v, the ROI interval gives %v", got, want)
		}
	}
	if !(lo[last].(float64) <= profit[last].(float64) && profit[last].(float64) <= hi[last].(float64)) {
		t.Errorf("the band [%v, %v] misses the profit %v", lo[last], hi[last], profit[last])
	}
	seasons := path["seasons"].([]any)
	if len(seasons) != 2 || seasons[1].(map[string]any)["bet"] != 301 {
		t.Errorf("season marks %v", seasons)
	}
	methods := bt["methods"].(map[string]any)
	if len(methods) != 2 {
		t.Fatalf("methods %v: want elo and flat", methods)
	}
	if elo := methods["elo"].(map[string]any); elo["profit"] != bt["profit"] || elo["bets"] != 450 {
		t.Errorf("elo backs the same bets: %v", elo)
	}
	if flat := methods["flat"].(map[string]any); flat["bets"] != 0 {
		t.Errorf("flat sees no value, yet: %v", flat)
	}
}
