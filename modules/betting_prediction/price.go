package betting_prediction

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// roundPct rounds a share that is shown as a percentage with one decimal
// (an ROI, its interval, a hit rate) to a tenth of a percent, once: the
// verdict, the dashboard and a pipeline's own table (leagues.py) then
// print the same figure, where rounding -0.15455 to -0.1545 first and to
// one decimal again gave -15.4% beside the verdict's -15.5%.
func roundPct(x float64) float64 { return math.Round(x*1000) / 1000 }

// bet is the best-valued outcome of a match, if any passes the rule.
type bet struct {
	outcome          int
	odds, implied, p float64
	ev, kelly, stake float64
}

// choose prices each outcome of r and returns the one with the highest
// expected value, if it reaches the rule's edge. priced gets every outcome.
func choose(r *row, rule Rule, priced *[]any) (bet, bool) {
	implied, err := Implied(r.odds, rule.Margin)
	if err != nil {
		return bet{}, false
	}
	best, found := bet{}, false
	for k := range 3 {
		b := bet{outcome: k, odds: r.odds[k], implied: implied[k], p: r.p[k]}
		b.ev = b.p*b.odds - 1
		b.kelly = Kelly(b.p, b.odds)
		b.stake = min(rule.KellyFraction*b.kelly, rule.MaxStake) * rule.Bankroll
		if priced != nil {
			*priced = append(*priced, betRow(r, b))
		}
		if b.ev >= rule.MinEdge && b.kelly > 0 && (!found || b.ev > best.ev) {
			best, found = b, true
		}
	}
	return best, found
}

func betRow(r *row, b bet) map[string]any {
	out := map[string]any{
		"home": r.home, "away": r.away, "outcome": outcomes[b.outcome], "odds": b.odds,
		"implied_prob": round4(b.implied), "model_prob": round4(b.p), "edge": round4(b.p - b.implied),
		"ev": round4(b.ev), "kelly": round4(b.kelly), "stake": math.Round(b.stake*100) / 100,
	}
	if r.date != "" {
		out["date"] = r.date
	}
	return out
}

// price prices every prediction with odds and picks the value bets.
func price(rows []row, rule Rule) (priced, bets []any, summary map[string]any) {
	priced, bets = []any{}, []any{}
	n, stake, expected, margin := 0, 0.0, 0.0, 0.0
	for i := range rows {
		r := &rows[i]
		if !r.hasOdds() {
			continue
		}
		n++
		margin += 1/r.odds[0] + 1/r.odds[1] + 1/r.odds[2] - 1
		b, ok := choose(r, rule, &priced)
		if !ok {
			continue
		}
		bets = append(bets, betRow(r, b))
		stake += b.stake
		expected += b.stake * b.ev
	}
	summary = map[string]any{
		"matches": len(rows), "matches_priced": n, "bets": len(bets),
		"total_stake": math.Round(stake*100) / 100, "expected_profit": math.Round(expected*100) / 100,
		"margin_method": rule.Margin, "min_edge": rule.MinEdge, "kelly_fraction": rule.KellyFraction, "bankroll": rule.Bankroll,
	}
	if n > 0 {
		summary["average_margin"] = round4(margin / float64(n))
	}
	if n < len(rows) {
		summary["note"] = fmt.Sprintf("%d prediction(s) without odds were not priced", len(rows)-n)
	}
	return priced, bets, summary
}

// backtest applies the rule to held-out matches in order: flat one-unit
// stakes for the ROI and its bootstrap interval, and the Kelly stakes on a
// running bankroll for growth and drawdown. Two plain strategies on the
// same matches give a yardstick.
func backtest(rows []row, rule Rule, resamples int) map[string]any {
	var profits, banks []float64
	var seasons []string
	var cum, peak, drawdown, oddsSum float64
	wins, matches := 0, 0
	bankroll, bankPeak, bankDraw := rule.Bankroll, rule.Bankroll, 0.0
	var allProfit, allStake, favProfit float64
	for i := range rows {
		r := &rows[i]
		if !r.hasOdds() || r.result < 0 {
			continue
		}
		matches++
		for k := range 3 { // back every outcome
			allStake++
			allProfit += payoff(k == r.result, r.odds[k])
		}
		fav := slices.Index(r.odds[:], slices.Min(r.odds[:]))
		favProfit += payoff(fav == r.result, r.odds[fav])
		b, ok := choose(r, rule, nil)
		if !ok {
			continue
		}
		won := b.outcome == r.result
		p := payoff(won, b.odds)
		profits = append(profits, p)
		oddsSum += b.odds
		if won {
			wins++
		}
		cum += p
		peak = max(peak, cum)
		drawdown = max(drawdown, peak-cum)
		stake := min(rule.KellyFraction*b.kelly, rule.MaxStake) * bankroll
		bankroll += stake * p
		banks, seasons = append(banks, bankroll), append(seasons, r.season)
		bankPeak = max(bankPeak, bankroll)
		bankDraw = max(bankDraw, (bankPeak-bankroll)/bankPeak)
	}
	out := map[string]any{
		"matches": matches, "bets": len(profits), "staked": float64(len(profits)), "profit": round4(cum),
		"max_drawdown_units": round4(drawdown), "stake_rule": "1 unit a bet for ROI; fractional Kelly for the bankroll",
		"kelly": map[string]any{"start": rule.Bankroll, "final": math.Round(bankroll*100) / 100, "max_drawdown": round4(bankDraw)},
	}
	if matches > 0 {
		out["baselines"] = map[string]any{
			"every_outcome_roi": roundPct(allProfit / allStake),
			"favourite_roi":     roundPct(favProfit / float64(matches)),
		}
	}
	switch {
	case len(rows) == 0:
		// sports_predictor held nothing out (one season of data): there is
		// nothing to backtest, which is not the same as no value found.
		out["verdict"] = "nothing to backtest: the evaluation holds no held-out matches (sports_predictor holds out the seasons after the first: give it two seasons or more)"
		return out
	case matches == 0:
		out["verdict"] = fmt.Sprintf("nothing to backtest: none of the %d held-out matches has both odds and a result (give odds: the odds input)", len(rows))
		return out
	case len(profits) == 0:
		out["verdict"] = fmt.Sprintf("no bets: no held-out match reached an expected value of %.0f%%", rule.MinEdge*100)
		return out
	}
	n := float64(len(profits))
	roi := cum / n
	lo, hi := bootstrapROI(profits, resamples)
	out["path"] = pathOf(profits, banks, seasons, resamples)
	out["roi"], out["roi_ci95"] = roundPct(roi), []any{roundPct(lo), roundPct(hi)}
	out["hit_rate"], out["average_odds"] = roundPct(float64(wins)/n), round4(oddsSum/n)
	// The verdict prints the figures the output holds, not others.
	shown := fmt.Sprintf("ROI %+.1f%% over %d bets", roundPct(roi)*100, len(profits))
	interval := fmt.Sprintf("[%+.1f%%, %+.1f%%]", roundPct(lo)*100, roundPct(hi)*100)
	switch {
	case hi < 0:
		out["verdict"] = fmt.Sprintf("loses money: %s, and the whole 95%% interval %s is below zero", shown, interval)
	case lo > 0:
		out["verdict"] = fmt.Sprintf("made money in this sample: %s, 95%% interval %s; past results, and markets adapt", shown, interval)
	default:
		out["verdict"] = fmt.Sprintf("no evidence of an edge: %s, and the 95%% interval %s includes zero", shown, interval)
	}
	return out
}

func payoff(won bool, odds float64) float64 {
	if won {
		return odds - 1
	}
	return -1
}

// bootstrapROI resamples the bets with replacement (fixed seed, so the
// interval is the same every run) and returns the 2.5% and 97.5% ROIs.
func bootstrapROI(profits []float64, resamples int) (float64, float64) {
	if resamples < 100 {
		resamples = 100
	}
	rng := rand.New(rand.NewPCG(7, 11))
	rois := make([]float64, resamples)
	n := len(profits)
	for s := range rois {
		sum := 0.0
		for range n {
			sum += profits[rng.IntN(n)]
		}
		rois[s] = sum / float64(n)
	}
	slices.Sort(rois)
	return rois[int(0.025*float64(resamples))], rois[int(0.975*float64(resamples))-1]
}
