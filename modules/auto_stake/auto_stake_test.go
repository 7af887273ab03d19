package auto_stake

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipe-run/pipe/modules"
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
