package betting_prediction

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pipe-run/pipe/modules"
)

// maxPathPoints bounds the backtest's path: a chart needs no more, and the
// output stays small however many bets there were.
const maxPathPoints = 200

// pathOf is the backtest bet by bet, for a chart: after each bet (thinned
// to maxPathPoints, always keeping the last), the flat-stake cumulative
// profit, the Kelly bankroll, and the bootstrap 95% band of the cumulative
// profit (bets resampled with replacement, as for the ROI interval: at the
// last bet the band is the ROI interval times the bets). seasons marks the
// first bet of each season.
func pathOf(profits, banks []float64, seasons []string, resamples int) map[string]any {
	n := len(profits)
	step := max(1, (n+maxPathPoints-1)/maxPathPoints)
	var at []int // bet numbers, 1-based
	for k := step; k < n; k += step {
		at = append(at, k)
	}
	at = append(at, n)
	lo, hi := bootstrapBand(profits, at, resamples)
	bet, profit, bank := make([]any, len(at)), make([]any, len(at)), make([]any, len(at))
	cum, j := 0.0, 0
	for k, p := range profits {
		cum += p
		if j < len(at) && at[j] == k+1 {
			bet[j], profit[j], bank[j] = k+1, round4(cum), math.Round(banks[k]*100)/100
			j++
		}
	}
	starts := []any{}
	for k, s := range seasons {
		if s != "" && (k == 0 || seasons[k-1] != s) {
			starts = append(starts, map[string]any{"season": s, "bet": k + 1})
		}
	}
	return map[string]any{"bet": bet, "profit": profit, "bankroll": bank, "lo": lo, "hi": hi, "seasons": starts}
}

// bootstrapBand returns, at each bet number of at (ascending), the 2.5%
// and 97.5% points of the cumulative profit over resampled bet sequences.
func bootstrapBand(profits []float64, at []int, resamples int) (lo, hi []any) {
	resamples = max(resamples, 100)
	rng := rand.New(rand.NewPCG(7, 13)) // fixed: the same band every run
	n := len(profits)
	sums := make([][]float64, len(at)) // [point][resample]
	for j := range sums {
		sums[j] = make([]float64, resamples)
	}
	for s := range resamples {
		cum, j := 0.0, 0
		for k := range n {
			cum += profits[rng.IntN(n)]
			if at[j] == k+1 {
				sums[j][s] = cum
				j++
			}
		}
	}
	lo, hi = make([]any, len(at)), make([]any, len(at))
	for j, xs := range sums {
		slices.Sort(xs)
		lo[j], hi[j] = round4(xs[int(0.025*float64(resamples))]), round4(xs[int(0.975*float64(resamples))-1])
	}
	return lo, hi
}

// methodProbs reads a row's "methods": {name: [home, draw, away]}, keeping
// only well-formed probabilities.
func methodProbs(v any) map[string][3]float64 {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string][3]float64, len(m))
	for name, ps := range m {
		list, ok := ps.([]any)
		if !ok || len(list) != 3 {
			continue
		}
		var p [3]float64
		good := true
		for k := range p {
			f, ok := modules.AsNumber(list[k])
			good = good && ok && f >= 0 && f <= 1
			p[k] = f
		}
		if good {
			out[name] = p
		}
	}
	return out
}

// compareMethods backtests the rule once per method the rows carry, on the
// same matches: the figures of the dashboard's side-by-side table and a
// path each.
func compareMethods(rows []row, rule Rule, resamples int) map[string]any {
	var names []string
	for i := range rows {
		for name := range rows[i].methods {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	out := make(map[string]any, len(names))
	for _, name := range names {
		alt := make([]row, 0, len(rows))
		for _, r := range rows {
			if p, ok := r.methods[name]; ok {
				r.p = p
				alt = append(alt, r)
			}
		}
		bt := backtest(alt, rule, resamples)
		delete(bt, "baselines") // the same for every method: the backtest's own
		delete(bt, "stake_rule")
		out[name] = bt
	}
	return out
}
