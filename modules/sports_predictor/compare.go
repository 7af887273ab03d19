package sports_predictor

import (
	"context"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// methods are the models compared side by side, in the order shown.
var methods = []model.Method{model.MethodBlend, model.MethodDixonColes, model.MethodElo}

// comparer is a blend that also keeps, for every match it predicts, what
// each of the three methods said. A blend fits Dixon-Coles and Elo exactly
// as they fit alone, so one walk forward scores all three at the cost of
// the blend; Predict answers as opts.Method would.
type comparer struct {
	blend *model.Blend
	as    model.Method
	parts [][3][3]float64 // per prediction, in the order of methods
}

func newComparer(opts model.Options) (*comparer, error) {
	b := opts
	b.Method = model.MethodBlend
	m, err := model.New(b)
	if err != nil {
		return nil, err
	}
	return &comparer{blend: m.(*model.Blend), as: opts.Method}, nil
}

func (c *comparer) Fit(ms []football.Match, asOf time.Time) { c.blend.Fit(ms, asOf) }
func (c *comparer) Known(team string) bool                  { return c.blend.Known(team) }

func (c *comparer) Predict(home, away string) model.Prediction {
	dc, elo, bl := c.blend.DC.Predict(home, away), c.blend.Elo.Predict(home, away), c.blend.Predict(home, away)
	c.parts = append(c.parts, [3][3]float64{bl.Probs, dc.Probs, elo.Probs})
	switch c.as {
	case model.MethodDixonColes:
		return dc
	case model.MethodElo:
		return elo
	}
	return bl
}

// methodMetrics scores each method per season and overall, on the same
// matches as the market where the data has odds.
func methodMetrics(scored []model.Scored, parts [][3][3]float64) map[string]any {
	out := map[string]any{}
	for k, method := range methods {
		var all model.Scorer
		seasons := map[string]*model.Scorer{}
		for i, s := range scored {
			r := s.Match.Result()
			all.Add(parts[i][k], r)
			if seasons[s.Match.Season] == nil {
				seasons[s.Match.Season] = &model.Scorer{}
			}
			seasons[s.Match.Season].Add(parts[i][k], r)
		}
		out[string(method)] = map[string]any{"n": all.Metrics().N, "log_loss": round4(all.Metrics().LogLoss), "seasons": seasonLogLoss(seasons)}
	}
	return out
}

// seasonLogLoss is {season: {n, log_loss}}.
func seasonLogLoss(seasons map[string]*model.Scorer) map[string]any {
	out := make(map[string]any, len(seasons))
	for name, sc := range seasons {
		m := sc.Metrics()
		out[name] = map[string]any{"n": m.N, "log_loss": round4(m.LogLoss)}
	}
	return out
}

// calibrations is the model's calibration table beside the de-margined
// market's, the latter on the matches that have odds.
func calibrations(scored []model.Scored) map[string]any {
	var mp, kp [][3]float64
	var mr, kr []football.Outcome
	for _, s := range scored {
		mp, mr = append(mp, s.Probs), append(mr, s.Match.Result())
		if s.Match.HasOdds() {
			kp, kr = append(kp, model.MarketProbs(s.Match.Odds)), append(kr, s.Match.Result())
		}
	}
	out := map[string]any{"bins": model.CalibrationBins, "model": model.BinsValue(model.Calibrate(mp, mr), round4)}
	if len(kp) > 0 {
		out["market"] = model.BinsValue(model.Calibrate(kp, kr), round4)
	}
	return out
}

// currentTeams lists the clubs of the last season in the data, sorted: the
// ones a user most likely asks about.
func currentTeams(played []football.Match) []string {
	if len(played) == 0 {
		return nil
	}
	last := played[len(played)-1].Season
	var ms []football.Match
	for _, m := range played {
		if m.Season == last {
			ms = append(ms, m)
		}
	}
	return football.Teams(ms) // sorted
}

// walk is the walk forward of evaluate: with compare, the three methods
// at once.
func walk(ctx context.Context, played []football.Match, from time.Time, opts model.Options, compare bool) ([]model.Scored, [][3][3]float64, error) {
	if !compare {
		mod, err := model.New(opts)
		if err != nil {
			return nil, nil, err
		}
		scored, err := model.WalkForward(ctx, played, from, mod)
		return scored, nil, err
	}
	c, err := newComparer(opts)
	if err != nil {
		return nil, nil, err
	}
	scored, err := model.WalkForward(ctx, played, from, c)
	return scored, c.parts, err
}

// asValue turns a Go struct into plain values (maps, lists, numbers), the
// form outputs take.
func asValue(v any) (any, error) {
	b, err := modules.MarshalJSON(v)
	if err != nil {
		return nil, err
	}
	return modules.DecodeJSON(b)
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
