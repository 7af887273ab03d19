// Package auto_stake is the auto_stake module: it acts on bets rather than
// predicting them, turning value bets into a stake plan at full Kelly and
// writing it out as orders. It is dangerous: it never runs while
// ENABLE_DANGEROUS_AI is false.
package auto_stake

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/jsonfile"
)

func init() {
	modules.Register(modules.Info{
		Name: "auto_stake",
		Description: "Turns value bets into an automatic stake plan at full Kelly and writes the orders to a file. " +
			"Full Kelly on a model with no proven edge loses money fast: this module is dangerous and runs only with ENABLE_DANGEROUS_AI=true.",
		Dangerous: true,
		Effects:   true, // it writes a stake plan (orders to place): never from cache
		// money: it spends. --skip-tags money drops it, and the
		// nodes that need it, whatever the gate says.
		Tags: []string{"money"},
		Inputs: []modules.Field{
			{Name: "bets", Type: modules.List, Required: true, Description: "betting_prediction's bets", Example: "${{ nodes.betting_prediction.outputs.bets }}"},
			{Name: "bankroll", Type: modules.Number, Default: 1000, Rule: modules.Positive, Description: "the bankroll to stake"},
			{Name: "out", Type: modules.String, Default: "stake_plan.json", Description: "where the orders are written"},
		},
		Outputs: []modules.Field{
			{Name: "orders", Type: modules.List, Description: "home, away, outcome, odds, stake"},
			{Name: "total_stake", Type: modules.Number, Description: "the sum of the stakes"},
			{Name: "path", Type: modules.String, Description: "the plan's file"},
		},
		New: func() modules.Module { return AutoStake{} },
	})
}

// AutoStake is the module.
type AutoStake struct{}

var _ modules.Module = AutoStake{}

// Run implements modules.Module.
func (AutoStake) Run(_ context.Context, in *modules.Input) (*modules.Output, error) {
	in = in.WithPaths("out")
	bets, _ := in.With["bets"].([]any)
	bankroll := in.Float("bankroll")
	if bankroll <= 0 {
		return nil, fmt.Errorf("bankroll %v: want a positive amount", bankroll)
	}
	orders := make([]any, 0, len(bets))
	total := 0.0
	for i, b := range bets {
		m, ok := b.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("bets[%d]: a bet is a mapping, not %s", i, modules.Describe(b))
		}
		kelly, _ := m["kelly"].(float64)
		stake := math.Round(kelly*bankroll*100) / 100
		if stake <= 0 {
			continue
		}
		total += stake
		orders = append(orders, map[string]any{"home": m["home"], "away": m["away"], "date": m["date"], "outcome": m["outcome"], "odds": m["odds"], "stake": stake})
	}
	if total > bankroll { // several full-Kelly bets at once can ask for more than there is
		scale := bankroll / total
		total = 0
		for _, o := range orders {
			om := o.(map[string]any)
			om["stake"] = math.Round(om["stake"].(float64)*scale*100) / 100
			total += om["stake"].(float64)
		}
	}
	plan := map[string]any{"created_at": time.Now().UTC().Format(time.RFC3339), "bankroll": bankroll, "kelly": "full", "orders": orders, "total_stake": total}
	path := in.String("out")
	if err := jsonfile.Write(path, plan, 0o644); err != nil {
		return nil, fmt.Errorf("writing the stake plan: %w", err)
	}
	return &modules.Output{
		Message: fmt.Sprintf("wrote %d order(s), %.2f staked of %.2f, to %s", len(orders), total, bankroll, path),
		Values:  map[string]any{"orders": orders, "total_stake": total, "path": path},
	}, nil
}
