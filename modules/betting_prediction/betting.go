// Package betting_prediction is the betting_prediction module: it prices
// bets from a model's predictions and bookmakers' odds (margin removed),
// stakes value bets by fractional Kelly, and backtests the rule on the
// model's held-out predictions, saying plainly whether there is any
// evidence of an edge.
package betting_prediction

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
)

func init() {
	modules.Register(modules.Info{
		Name: "betting_prediction",
		Description: "Prices bets from sports_predictor's predictions and bookmaker odds: removes the margin (proportional, Shin or power), " +
			"computes implied and model probability, edge, expected value and a capped fractional-Kelly stake per outcome, and backtests " +
			"the same rule on held-out predictions (ROI with a bootstrap 95% interval, max drawdown).",
		// Version: the node cache's key; raise it when the same inputs
		// would now be priced otherwise.
		Version: "4",
		Inputs: []modules.Field{
			{Name: "predictions", Type: modules.List, Required: true, Description: "sports_predictor's predictions (rows with home, away, p_home, p_draw, p_away, odds)", Example: "${{ nodes.sports_predictor.outputs.predictions }}"},
			{Name: "evaluation", Type: modules.List, Description: "held-out predictions with results and odds, to backtest on (sports_predictor's evaluation output)"},
			{Name: "odds", Type: modules.String, Files: true, Description: "a CSV with odds for predictions that have none (joined on home, away and date)"},
			{Name: "margin", Type: modules.String, Default: Shin, Enum: []string{Proportional, Shin, Power}, Description: "how to remove the margin: proportional, shin or power"},
			{Name: "min_edge", Type: modules.Number, Default: 0.03, Description: "least expected value per unit staked for a bet"},
			{Name: "kelly_fraction", Type: modules.Number, Default: 0.25, Rule: modules.Between(0, 1, true, false), Description: "share of the Kelly stake to bet"},
			{Name: "max_stake", Type: modules.Number, Default: 0.05, Rule: modules.Between(0, 1, true, false), Description: "cap on one stake, as a share of the bankroll"},
			{Name: "bankroll", Type: modules.Number, Default: 1000, Rule: modules.Positive, Description: "the bankroll stakes are sized from"},
			{Name: "bootstrap", Type: modules.Int, Default: 2000, Description: "resamples for the ROI interval"},
			{Name: "model", Type: modules.String, Writes: true, Description: "betting model file (JSON): when it exists the rule (margin, min_edge, kelly_fraction, max_stake, bankroll) is read from it; otherwise the rule used is written to it, with its backtest (a cached node's key holds its content, as the node finds it and as it leaves it)"},
		},
		Outputs: []modules.Field{
			{Name: "bets", Type: modules.List, Description: "value bets: match, outcome, odds, implied and model probability, edge, ev, kelly, stake"},
			{Name: "priced", Type: modules.List, Description: "every outcome priced, bet or not"},
			{Name: "summary", Type: modules.Map, Description: "matches priced, bets, total stake, expected profit"},
			{Name: "backtest", Type: modules.Map, Description: "the rule on held-out matches: bets, staked, profit, ROI and its 95% interval, max drawdown, verdict, " +
				"path (cumulative profit and Kelly bankroll bet by bet, with the bootstrap 95% band), methods (the same figures for each method the evaluation rows carry), " +
				"market (the de-margined odds' log loss per season and calibration on the matches with odds)"},
		},
		New: func() modules.Module { return Betting{} },
	})
}

// Betting is the module.
type Betting struct{}

var _ modules.Module = Betting{}

// Rule is how bets are chosen and sized.
type Rule struct {
	Margin        string
	MinEdge       float64
	KellyFraction float64
	MaxStake      float64
	Bankroll      float64
}

func ruleOf(in *modules.Input) (Rule, error) {
	r := Rule{Margin: in.String("margin"), MinEdge: in.Float("min_edge"), KellyFraction: in.Float("kelly_fraction"),
		MaxStake: in.Float("max_stake"), Bankroll: in.Float("bankroll")}
	switch {
	case r.KellyFraction <= 0 || r.KellyFraction > 1:
		return r, fmt.Errorf("kelly_fraction %v: want a share in (0, 1]", r.KellyFraction)
	case r.MaxStake <= 0 || r.MaxStake > 1:
		return r, fmt.Errorf("max_stake %v: want a share of the bankroll in (0, 1]", r.MaxStake)
	case r.Bankroll <= 0:
		return r, fmt.Errorf("bankroll %v: want a positive amount", r.Bankroll)
	case math.IsNaN(r.MinEdge):
		return r, fmt.Errorf("min_edge is not a number")
	}
	if _, err := Implied([3]float64{2, 3, 4}, r.Margin); err != nil {
		return r, err
	}
	return r, nil
}

// Run implements modules.Module.
func (Betting) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	raw := in // the paths as given, for messages
	in = in.WithPaths("model", "odds")
	rule, err := ruleOf(in)
	if err != nil {
		return nil, err
	}
	path := in.String("model")
	loaded := false
	if path != "" {
		if saved, err := loadRule(path); err == nil {
			rule, loaded = saved, true
			in.Logger.Info("betting rule read from the model file; its inputs are ignored", "path", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	preds, err := readRows(in.With["predictions"], "predictions")
	if err != nil {
		return nil, err
	}
	oddsPath := in.String("odds")
	if err := addOdds(ctx, in, preds, oddsPath, raw.String("odds"), "predictions"); err != nil {
		return nil, err
	}
	priced, bets, summary := price(preds, rule)
	values := map[string]any{"bets": bets, "priced": priced, "summary": summary}
	msg := fmt.Sprintf("%d value bet(s) on %d priced match(es)", len(bets), summary["matches_priced"])
	if ev, ok := in.With["evaluation"]; ok && ev != nil {
		rows, err := readRows(ev, "evaluation")
		if err != nil {
			return nil, err
		}
		if err := addOdds(ctx, in, rows, oddsPath, raw.String("odds"), "evaluation"); err != nil {
			return nil, err
		}
		bt := backtest(rows, rule, in.Int("bootstrap"))
		if byMethod := compareMethods(rows, rule, in.Int("bootstrap")); len(byMethod) > 0 {
			bt["methods"] = byMethod
		}
		if market := marketFigures(rows, rule.Margin); market != nil {
			bt["market"] = market
		}
		values["backtest"] = bt
		msg += "; backtest: " + bt["verdict"].(string)
	}
	if path != "" && !loaded {
		if err := saveRule(path, rule, values["backtest"]); err != nil {
			return nil, err
		}
	}
	return &modules.Output{Message: msg, Values: values}, nil
}

// addOdds fills in odds from the file at path (if any; rawOdds as the
// input gave it) for the rows that have none, and says in the log what
// the join did.
func addOdds(ctx context.Context, in *modules.Input, rows []row, path, rawOdds, what string) error {
	if path == "" {
		return nil
	}
	join, err := joinOdds(ctx, rows, path)
	if err != nil {
		return football.MissingFile(in, "odds", rawOdds, err)
	}
	if join.needed == 0 && len(rows) > 0 {
		// Said, not silent: a user who gave another file's odds would
		// think them used (the data's own odds were).
		in.Logger.Warn("odds: the file is not used: every match of the "+what+" has odds of its own (its data has odds columns)", "file", path)
		return nil
	}
	if err := join.mismatch(path, what); err != nil {
		return err
	}
	if join.bad > 0 {
		in.Logger.Warn("odds: odds that are not finite or not above 1 are treated as missing", "matches", join.bad, "first", join.firstBad, "file", path)
	}
	if len(join.renamed) > 0 {
		in.Logger.Info("odds: club names read as those of the "+what, "names", strings.Join(join.renamed, ", "))
	}
	if join.found < join.needed {
		in.Logger.Warn("odds: some matches of the "+what+" have none in the file and are not priced", "found", join.found, "of", join.needed, "file", path)
	}
	return nil
}

// minCovered is the least number of matches in the odds file's seasons
// for mismatch to judge the file by: a few fixtures missing from a file
// are not a sign of another league.
const minCovered = 10

// mismatch refuses an odds file that gives odds to under half the rows
// (of what: "evaluation", "predictions") that need them in the seasons
// the file covers: it is another league's, or names its clubs too
// otherwise to pair (football.Align pairs none of another league's).
// Going on would price the few matches a chance pairing found, and a
// backtest of a few dozen bets from another league's odds is no
// evidence of anything: results and odds of Serie A and La Liga gave
// "made money: ROI +105.5% over 39 bets".
func (j oddsJoin) mismatch(path, what string) error {
	if j.covered < minCovered || 2*j.coveredFound >= j.covered || 2*j.pairedClubs >= j.clubs {
		// Most clubs pair: the same league, whose file may not have the
		// matches yet (fixtures still to play are only not priced).
		return nil
	}
	paired := "no club of the " + what + " pairs with one of the file"
	if j.pairedClubs > 0 {
		paired = fmt.Sprintf("%d of its %d clubs pair", j.pairedClubs, j.clubs)
		if len(j.renamed) > 0 {
			paired += ": " + strings.Join(j.renamed[:min(5, len(j.renamed))], ", ")
			if len(j.renamed) > 5 {
				paired += fmt.Sprintf(" and %d more", len(j.renamed)-5)
			}
		}
	}
	return fmt.Errorf("%s: odds for only %d of the %d matches of the %s in the seasons the file covers (%s): "+
		"it is likely another league's odds, or names the clubs too differently to pair; give the odds of the same league "+
		"(betting_prediction's odds input, ODDS in pipelines/predict.yaml), or no odds file",
		path, j.coveredFound, j.covered, what, paired)
}
