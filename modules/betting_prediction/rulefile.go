package betting_prediction

import (
	"encoding/json"
	"fmt"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/jsonfile"
)

// The betting model file: the rule that chooses and sizes bets, and how it
// did when it was saved.
const (
	ruleFormat  = "pipe/betting_rule"
	ruleVersion = 1
)

type ruleFile struct {
	Format        string  `json:"format"`
	Version       int     `json:"version"`
	Margin        string  `json:"margin"`
	MinEdge       float64 `json:"min_edge"`
	KellyFraction float64 `json:"kelly_fraction"`
	MaxStake      float64 `json:"max_stake"`
	Bankroll      float64 `json:"bankroll"`
	Backtest      any     `json:"backtest,omitempty"`
}

// maxRuleFile bounds a betting model file: it holds a few numbers.
const maxRuleFile = 1 << 20

func loadRule(path string) (Rule, error) {
	data, err := modules.ReadFile(path, maxRuleFile, "betting model")
	if err != nil {
		return Rule{}, err
	}
	var f ruleFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Rule{}, fmt.Errorf("betting model %s: not JSON: %w", path, err)
	}
	if f.Format != ruleFormat || f.Version != ruleVersion {
		return Rule{}, fmt.Errorf("betting model %s: format %q version %d; this pipe reads %s version %d", path, f.Format, f.Version, ruleFormat, ruleVersion)
	}
	r := Rule{Margin: f.Margin, MinEdge: f.MinEdge, KellyFraction: f.KellyFraction, MaxStake: f.MaxStake, Bankroll: f.Bankroll}
	if _, err := Implied([3]float64{2, 3, 4}, r.Margin); err != nil {
		return Rule{}, fmt.Errorf("betting model %s: %w", path, err)
	}
	if r.KellyFraction <= 0 || r.KellyFraction > 1 || r.MaxStake <= 0 || r.MaxStake > 1 || r.Bankroll <= 0 {
		return Rule{}, fmt.Errorf("betting model %s: kelly_fraction and max_stake must be in (0, 1] and bankroll positive", path)
	}
	return r, nil
}

func saveRule(path string, r Rule, backtest any) error {
	f := ruleFile{Format: ruleFormat, Version: ruleVersion, Margin: r.Margin, MinEdge: r.MinEdge, KellyFraction: r.KellyFraction, MaxStake: r.MaxStake, Bankroll: r.Bankroll, Backtest: backtest}
	return jsonfile.Write(path, f, 0o644)
}
