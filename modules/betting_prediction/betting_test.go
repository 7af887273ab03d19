package betting_prediction

import (
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

func TestImplied(t *testing.T) {
	odds := [3]float64{1.5, 4.2, 7.0} // a favourite and a long shot, margin ~4.7%
	for _, method := range []string{Proportional, Shin, Power} {
		p, err := Implied(odds, method)
		if err != nil {
			t.Fatal(err)
		}
		if s := p[0] + p[1] + p[2]; math.Abs(s-1) > 1e-9 {
			t.Errorf("%s: probabilities sum to %v", method, s)
		}
		for k := range p {
			if p[k] >= 1/odds[k] {
				t.Errorf("%s: outcome %d has %.4f, not below the raw 1/odds %.4f", method, k, p[k], 1/odds[k])
			}
		}
	}
	prop, _ := Implied(odds, Proportional)
	shin, _ := Implied(odds, Shin)
	power, _ := Implied(odds, Power)
	// Shin and power put more of the margin on the long shot.
	if !(shin[2] < prop[2] && power[2] < prop[2] && shin[0] > prop[0]) {
		t.Errorf("favourite-longshot: prop %v shin %v power %v", prop, shin, power)
	}
	if _, err := Implied([3]float64{1, 2, 3}, Shin); err == nil {
		t.Error("odds of 1 accepted")
	}
	if _, err := Implied(odds, "magic"); err == nil {
		t.Error("unknown method accepted")
	}
}

func TestKelly(t *testing.T) {
	if k := Kelly(0.6, 2); math.Abs(k-0.2) > 1e-12 {
		t.Errorf("Kelly(0.6, 2) = %v, want 0.2", k)
	}
	if k := Kelly(0.4, 2); k != 0 {
		t.Errorf("Kelly of a losing bet = %v, want 0", k)
	}
}

func input(with map[string]any) *modules.Input {
	full := map[string]any{"margin": Shin, "min_edge": 0.03, "kelly_fraction": 0.25, "max_stake": 0.05, "bankroll": 1000.0, "bootstrap": 500}
	for k, v := range with {
		full[k] = v
	}
	return &modules.Input{Node: "b", With: full, Attempt: 1, Logger: slog.New(slog.DiscardHandler)}
}

func pred(home, away string, p [3]float64, odds [3]float64, result string) map[string]any {
	m := map[string]any{"home": home, "away": away, "p_home": p[0], "p_draw": p[1], "p_away": p[2],
		"odds": map[string]any{"home": odds[0], "draw": odds[1], "away": odds[2]}}
	if result != "" {
		m["result"] = result
	}
	return m
}

func TestPriceAndStake(t *testing.T) {
	out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{
		pred("A", "B", [3]float64{0.6, 0.25, 0.15}, [3]float64{2.1, 3.5, 5.0}, ""),            // home is value: EV 0.26
		pred("C", "D", [3]float64{0.3, 0.3, 0.4}, [3]float64{3.0, 3.2, 2.4}, ""),              // fairly priced: no bet
		map[string]any{"home": "E", "away": "F", "p_home": 0.5, "p_draw": 0.3, "p_away": 0.2}, // no odds
	}}))
	if err != nil {
		t.Fatal(err)
	}
	bets := out.Values["bets"].([]any)
	if len(bets) != 1 {
		t.Fatalf("bets %v, want one", bets)
	}
	b := bets[0].(map[string]any)
	// Kelly for p 0.6 at 2.1 is (0.6*2.1-1)/1.1 = 0.2364; a quarter is 5.9%, capped at 5%.
	if b["outcome"] != "home" || b["stake"] != 50.0 || math.Abs(b["ev"].(float64)-0.26) > 1e-9 {
		t.Errorf("bet %v", b)
	}
	s := out.Values["summary"].(map[string]any)
	if s["matches_priced"] != 2 || s["note"] == nil {
		t.Errorf("summary %v", s)
	}
	if len(out.Values["priced"].([]any)) != 6 {
		t.Errorf("priced %d outcomes, want 6", len(out.Values["priced"].([]any)))
	}
}

func TestBacktestVerdicts(t *testing.T) {
	var losing, winning []any
	for i := range 300 {
		// The model sees value on the away side every time.
		losing = append(losing, pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{2.0, 3.5, 3.0}, "home"))
		res := "away"
		if i%3 == 0 {
			res = "home"
		}
		winning = append(winning, pred("A", "B", [3]float64{0.3, 0.3, 0.4}, [3]float64{2.0, 3.5, 3.0}, res))
	}
	for _, tt := range []struct {
		rows []any
		want string
	}{{losing, "loses money"}, {winning, "made money"}} {
		out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{}, "evaluation": tt.rows}))
		if err != nil {
			t.Fatal(err)
		}
		bt := out.Values["backtest"].(map[string]any)
		if v := bt["verdict"].(string); !strings.HasPrefix(v, tt.want) {
			t.Errorf("verdict %q, want %q", v, tt.want)
		}
		ci := bt["roi_ci95"].([]any)
		if !(ci[0].(float64) <= bt["roi"].(float64) && bt["roi"].(float64) <= ci[1].(float64)) {
			t.Errorf("ROI %v outside its interval %v", bt["roi"], ci)
		}
	}
	// A coin-flip sample: no evidence either way.
	var mixed []any
	for i := range 200 {
		res := "home"
		if i%2 == 0 {
			res = "away"
		}
		mixed = append(mixed, pred("A", "B", [3]float64{0.3, 0.2, 0.5}, [3]float64{2.0, 4.0, 2.1}, res))
	}
	out, _ := Betting{}.Run(context.Background(), input(map[string]any{"predictions": []any{}, "evaluation": mixed}))
	if v := out.Values["backtest"].(map[string]any)["verdict"].(string); !strings.HasPrefix(v, "no evidence of an edge") {
		t.Errorf("coin flips: %q", v)
	}
}

func TestRuleFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "betting.json")
	preds := []any{pred("A", "B", [3]float64{0.6, 0.25, 0.15}, [3]float64{2.1, 3.5, 5.0}, "")}
	if _, err := (Betting{}).Run(context.Background(), input(map[string]any{"predictions": preds, "model": path, "min_edge": 0.5})); err != nil {
		t.Fatal(err)
	}
	// The saved rule (min_edge 0.5) wins over the inputs: no bet.
	out, err := Betting{}.Run(context.Background(), input(map[string]any{"predictions": preds, "model": path, "min_edge": 0.0}))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.Values["bets"].([]any)); n != 0 {
		t.Errorf("%d bets: the saved rule was not used", n)
	}
}

func TestBadInputs(t *testing.T) {
	for _, with := range []map[string]any{
		{"predictions": []any{map[string]any{"home": "A"}}},
		{"predictions": []any{map[string]any{"home": "A", "away": "B", "p_home": 0.9, "p_draw": 0.9, "p_away": 0.1}}},
		{"predictions": []any{}, "kelly_fraction": 2.0},
		{"predictions": []any{}, "margin": "fair"},
		{"predictions": "rows"},
	} {
		if _, err := (Betting{}).Run(context.Background(), input(with)); err == nil {
			t.Errorf("%v accepted", with)
		}
	}
}
