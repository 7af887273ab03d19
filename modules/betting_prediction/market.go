package betting_prediction

import (
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// marketFigures scores the bookmakers (odds de-margined by the rule's
// method) on the held-out matches that have odds once the odds input is
// joined: the yardstick the dashboard draws beside the model when the
// results data itself has no odds. nil when no match has odds.
func marketFigures(rows []row, margin string) map[string]any {
	var probs [][3]float64
	var results []football.Outcome
	var all, mine model.Scorer
	seasons := map[string]*model.Scorer{}
	for i := range rows {
		r := &rows[i]
		if !r.hasOdds() || r.result < 0 {
			continue
		}
		p, err := Implied(r.odds, margin)
		if err != nil {
			continue
		}
		res := football.Outcome(r.result)
		probs, results = append(probs, p), append(results, res)
		all.Add(p, res)
		mine.Add(r.p, res)
		if seasons[r.season] == nil {
			seasons[r.season] = &model.Scorer{}
		}
		seasons[r.season].Add(p, res)
	}
	if len(probs) == 0 {
		return nil
	}
	perSeason := map[string]any{}
	for name, sc := range seasons {
		if name != "" {
			perSeason[name] = map[string]any{"n": sc.Metrics().N, "log_loss": round4(sc.Metrics().LogLoss)}
		}
	}
	return map[string]any{
		"margin": margin, "n": all.Metrics().N, "log_loss": round4(all.Metrics().LogLoss),
		"model_log_loss_same_matches": round4(mine.Metrics().LogLoss),
		"seasons":                     perSeason, "calibration": model.BinsValue(model.Calibrate(probs, results), round4),
	}
}
