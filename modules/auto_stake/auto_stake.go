// Package auto_stake is the auto_stake module: it acts on bets rather than
// predicting them, turning value bets into a stake plan at full Kelly and
// writing it out as orders. It is dangerous: it never runs while
// ENABLE_DANGEROUS_AI is false.
package auto_stake

import (
	"context"
	"fmt"
	"math"
	"strings"
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
// maxBankroll bounds the bankroll: a trillion, far past any real one, and
// far from where a float's cents lose their precision.
const maxBankroll = 1e12

func (AutoStake) Run(_ context.Context, in *modules.Input) (*modules.Output, error) {
	in = in.WithPaths("out")
	bets, _ := in.With["bets"].([]any)
	bankroll := in.Float("bankroll")
	// Stakes are cents of it: past maxBankroll, a stake's cents overflow
	// to +Inf, and the plan would hold no number.
	if !(bankroll > 0) || bankroll > maxBankroll {
		return nil, fmt.Errorf("bankroll %v: want a positive amount of at most %g", modules.Text(bankroll), maxBankroll)
	}
	// A bet that is not sound (odds that are no price, a probability or
	// Kelly share out of [0, 1]) means the bets upstream are damaged:
	// money is not staked on the rest either. Every such bet is named.
	var problems []string
	for i, b := range bets {
		if err := checkBet(b); err != nil {
			problems = append(problems, fmt.Sprintf("bets[%d]%s: %v", i, betName(b), err))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("no stake plan written: %d bet(s) are not sound (fix or drop them upstream): %s", len(problems), strings.Join(problems, "; "))
	}
	orders := make([]any, 0, len(bets))
	total := 0.0
	for _, b := range bets {
		m := b.(map[string]any)
		kelly, _ := modules.AsNumber(m["kelly"])
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

// checkBet says why a bet cannot be staked: it must be a mapping with odds
// a bookmaker offers (a finite decimal price above 1) and, where given, a
// model probability and a Kelly share in [0, 1].
func checkBet(b any) error {
	m, ok := b.(map[string]any)
	if !ok {
		return fmt.Errorf("a bet is a mapping, not %s", modules.Describe(b))
	}
	odds, ok := modules.AsNumber(m["odds"])
	switch {
	case !ok:
		return fmt.Errorf("odds: want a decimal price above 1, not %s", modules.Describe(m["odds"]))
	case math.IsNaN(odds) || math.IsInf(odds, 0) || odds <= 1:
		return fmt.Errorf("odds %v: want a finite decimal price above 1", odds)
	}
	for _, key := range []string{"model_prob", "kelly"} {
		v, given := m[key]
		if !given || v == nil {
			continue
		}
		f, ok := modules.AsNumber(v)
		if !ok || !(f >= 0 && f <= 1) {
			return fmt.Errorf("%s %s: want a share in [0, 1]", key, describeNumber(v))
		}
	}
	return nil
}

// betName is " (home - away, outcome)" for a bet that names its match.
func betName(b any) string {
	m, _ := b.(map[string]any)
	home, _ := m["home"].(string)
	away, _ := m["away"].(string)
	if home == "" || away == "" {
		return ""
	}
	if outcome, _ := m["outcome"].(string); outcome != "" {
		return fmt.Sprintf(" (%s - %s, %s)", home, away, outcome)
	}
	return fmt.Sprintf(" (%s - %s)", home, away)
}

func describeNumber(v any) string {
	if f, ok := modules.AsNumber(v); ok {
		return fmt.Sprint(f)
	}
	return modules.Describe(v)
}
