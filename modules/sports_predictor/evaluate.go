package sports_predictor

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

type evaluation struct {
	rows    []any
	metrics map[string]any
	summary string
}

// evaluate predicts every match from evalFrom on, walk-forward, and scores
// the predictions beside two yardsticks: the base rates of the seasons
// before, and the bookmakers' de-margined odds where the data has them.
// With compare, the three methods are scored side by side and each row
// carries their probabilities (methods), for the betting backtest.
func evaluate(ctx context.Context, played []football.Match, evalFrom string, opts model.Options, compare bool) (*evaluation, error) {
	var seasons []string
	for _, m := range played {
		if len(seasons) == 0 || seasons[len(seasons)-1] != m.Season {
			if !slices.Contains(seasons, m.Season) {
				seasons = append(seasons, m.Season)
			}
		}
	}
	if evalFrom == "" {
		if len(seasons) < 2 {
			// rows is [], not nil: the declared list output is empty, never null.
			const note = "one season only: nothing held out to evaluate on"
			return &evaluation{rows: []any{}, metrics: map[string]any{"method": string(opts.Method), "note": note}, summary: note}, nil
		}
		evalFrom = seasons[max(1, len(seasons)-2)]
	}
	// "2017-18" and "2017-2018" name the same season, whichever the data uses.
	k := slices.IndexFunc(seasons, func(s string) bool {
		a, okA := football.SeasonYear(s)
		b, okB := football.SeasonYear(evalFrom)
		return s == evalFrom || (okA && okB && a == b)
	})
	if k < 0 {
		return nil, fmt.Errorf("eval_from: no season %q in the data (seasons %s to %s)", evalFrom, seasons[0], seasons[len(seasons)-1])
	}
	evalFrom = seasons[k]
	if k == 0 {
		return nil, fmt.Errorf("eval_from: %s is the first season: nothing before it to fit on", evalFrom)
	}
	var from time.Time
	for _, m := range played {
		if m.Season == evalFrom {
			from = m.When
			break
		}
	}
	scored, parts, err := walk(ctx, played, from, opts, compare)
	if err != nil {
		return nil, err
	}
	var base [3]float64
	for _, m := range played {
		if m.When.Before(from) {
			base[m.Result()]++
		}
	}
	total := base[0] + base[1] + base[2]
	for i := range base {
		base[i] /= total
	}
	var all, baseS, market, marketModel model.Scorer
	perSeason, marketSeason := map[string]*model.Scorer{}, map[string]*model.Scorer{}
	rows := make([]any, 0, len(scored))
	for i, s := range scored {
		r := s.Match.Result()
		all.Add(s.Probs, r)
		baseS.Add(base, r)
		if s.Match.HasOdds() {
			market.Add(model.MarketProbs(s.Match.Odds), r)
			marketModel.Add(s.Probs, r)
			if marketSeason[s.Match.Season] == nil {
				marketSeason[s.Match.Season] = &model.Scorer{}
			}
			marketSeason[s.Match.Season].Add(model.MarketProbs(s.Match.Odds), r)
		}
		if perSeason[s.Match.Season] == nil {
			perSeason[s.Match.Season] = &model.Scorer{}
		}
		perSeason[s.Match.Season].Add(s.Probs, r)
		row := predictionRow(s.Match, s.Prediction)
		if parts != nil {
			byMethod := make(map[string]any, len(methods))
			for k, method := range methods {
				p := parts[i][k]
				byMethod[string(method)] = []any{round4(p[0]), round4(p[1]), round4(p[2])}
			}
			row["methods"] = byMethod
		}
		rows = append(rows, row)
	}
	m := all.Metrics()
	held := seasons[k:]
	metrics := map[string]any{
		"method":     string(opts.Method),
		"held_out":   held,
		"trained_on": fmt.Sprintf("%s to %s, then each match as it came", seasons[0], seasons[k-1]),
		"n":          m.N, "log_loss": round4(m.LogLoss), "brier": round4(m.Brier), "rps": round4(m.RPS), "accuracy": round4(m.Accuracy),
		"base_rates": map[string]any{"log_loss": round4(baseS.Metrics().LogLoss), "probs": []any{round4(base[0]), round4(base[1]), round4(base[2])}},
	}
	season := map[string]any{}
	for name, sc := range perSeason {
		sm := sc.Metrics()
		season[name] = map[string]any{"n": sm.N, "log_loss": round4(sm.LogLoss), "brier": round4(sm.Brier), "rps": round4(sm.RPS), "accuracy": round4(sm.Accuracy)}
	}
	metrics["seasons"] = season
	metrics["calibration"] = calibrations(scored)
	if parts != nil {
		metrics["methods"] = methodMetrics(scored, parts)
	}
	summary := fmt.Sprintf("held-out %s..%s: log loss %.4f (base rates %.4f", held[0], held[len(held)-1], m.LogLoss, baseS.Metrics().LogLoss)
	if mm := market.Metrics(); mm.N > 0 {
		metrics["market"] = map[string]any{"n": mm.N, "log_loss": round4(mm.LogLoss), "model_log_loss_same_matches": round4(marketModel.Metrics().LogLoss),
			"seasons": seasonLogLoss(marketSeason)}
		summary += fmt.Sprintf(", market %.4f", mm.LogLoss)
	}
	summary += fmt.Sprintf("), n=%d", m.N)
	return &evaluation{rows: rows, metrics: metrics, summary: summary}, nil
}
