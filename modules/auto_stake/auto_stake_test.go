package auto_stake

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/modtest"
)

func TestStakePlan(t *testing.T) {
	info, ok := modules.Default.Lookup("auto_stake")
	if !ok || !info.Dangerous {
		t.Fatal("auto_stake must be registered as dangerous")
	}
	out := filepath.Join(t.TempDir(), "plans", "plan.json")
	bets := []any{
		map[string]any{"home": "A", "away": "B", "outcome": "home", "odds": 2.1, "kelly": 0.6},
		map[string]any{"home": "C", "away": "D", "outcome": "draw", "odds": 3.5, "kelly": 0.8},
		map[string]any{"home": "E", "away": "F", "outcome": "away", "odds": 4.0, "kelly": 0.0},
	}
	res, err := AutoStake{}.Run(context.Background(), &modules.Input{Node: "s", Logger: slog.New(slog.DiscardHandler),
		With: map[string]any{"bets": bets, "bankroll": 100.0, "out": out}})
	if err != nil {
		t.Fatal(err)
	}
	// Full Kelly asks for 60 + 80 of a bankroll of 100: scaled down to fit.
	orders := res.Values["orders"].([]any)
	if len(orders) != 2 || res.Values["total_stake"].(float64) > 100.0001 {
		t.Fatalf("orders %v, total %v", orders, res.Values["total_stake"])
	}
	if s := orders[0].(map[string]any)["stake"].(float64); s < 42.8 || s > 42.9 {
		t.Errorf("first stake %v, want 60 scaled by 100/140", s)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(data, &plan); err != nil || plan["kelly"] != "full" {
		t.Errorf("plan file: %v %v", err, plan)
	}
}

// A bet that is not sound fails the node and writes no plan, naming every
// such bet: money is staked on none of them, since the bets upstream are
// damaged. Sound bets give a plan whose outputs are of their types.
func TestUnsoundBetsAreRefused(t *testing.T) {
	bet := func(odds, prob, kelly any) map[string]any {
		return map[string]any{"home": "A", "away": "B", "outcome": "home", "odds": odds, "model_prob": prob, "kelly": kelly}
	}
	for _, tc := range []struct {
		name string
		bets []any
		want string // "" when the plan is written
	}{
		{"sound", []any{bet(2.1, 0.55, 0.1), bet(3, 0.4, 0)}, ""},
		{"no bets", []any{}, ""},
		{"kelly as an int", []any{bet(2.1, 0.55, 1)}, ""},
		{"infinite odds", []any{bet(math.Inf(1), 0.5, 0.5)}, "bets[0] (A - B, home): odds +Inf: want a finite decimal price above 1"},
		{"NaN odds", []any{bet(math.NaN(), 0.5, 0.5)}, "odds NaN"},
		{"odds of 1", []any{bet(1.0, 0.5, 0.5)}, "odds 1: want"},
		{"negative odds", []any{bet(-2, 0.5, 0.5)}, "odds -2: want"},
		{"no odds", []any{map[string]any{"home": "A", "away": "B", "kelly": 0.2}}, "bets[0] (A - B): odds: want a decimal price above 1, not null"},
		{"odds as text", []any{bet("2.1", 0.5, 0.1)}, "odds: want a decimal price above 1, not a string"},
		{"probability above 1", []any{bet(2.1, 1.5, 0.1)}, "model_prob 1.5: want a share in [0, 1]"},
		{"NaN probability", []any{bet(2.1, math.NaN(), 0.1)}, "model_prob NaN"},
		{"NaN kelly", []any{bet(2.1, 0.5, math.NaN())}, "kelly NaN"},
		{"infinite kelly", []any{bet(2.1, 0.5, math.Inf(1))}, "kelly +Inf"},
		{"not a mapping", []any{"A - B"}, "bets[0]: a bet is a mapping, not a string"},
		{"every bad bet named", []any{bet(2.1, 0.5, 0.1), bet(math.Inf(1), 0.5, 0.1), bet(2.1, -0.1, 0.1)}, "2 bet(s) are not sound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "plan.json")
			res, err := AutoStake{}.Run(context.Background(), &modules.Input{Node: "s", Logger: slog.New(slog.DiscardHandler),
				With: map[string]any{"bets": tc.bets, "bankroll": 100.0, "out": out}})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				modtest.CheckOutputs(t, "auto_stake", res.Values)
				if _, err := os.Stat(out); err != nil {
					t.Errorf("no plan written: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "no stake plan written") {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a plan was written")
			}
		})
	}
}

// A bankroll that is no amount to stake from (not finite, NaN, past a
// trillion, where a stake's cents overflow) fails the node and writes no
// plan; it failed writing the plan with encoding/json's unsupported value.
func TestBankrollMustBeAnAmount(t *testing.T) {
	bets := []any{map[string]any{"home": "A", "away": "B", "outcome": "home", "odds": 2.1, "model_prob": 0.55, "kelly": 0.1}}
	for _, bankroll := range []float64{math.Inf(1), math.NaN(), 1e308, 0, -5} {
		out := filepath.Join(t.TempDir(), "plan.json")
		_, err := AutoStake{}.Run(context.Background(), &modules.Input{Node: "s", Logger: slog.New(slog.DiscardHandler),
			With: map[string]any{"bets": bets, "bankroll": bankroll, "out": out}})
		if err == nil || !strings.Contains(err.Error(), "want a positive amount of at most 1e+12") {
			t.Errorf("bankroll %v: error %v", bankroll, err)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("bankroll %v: a plan was written", bankroll)
		}
	}
}
