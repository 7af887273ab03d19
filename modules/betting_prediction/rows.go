package betting_prediction

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// row is one predicted match, read from sports_predictor's output.
type row struct {
	date, season, home, away string
	p                        [3]float64
	odds                     [3]float64
	result                   int // -1 when not played
}

var outcomes = [3]string{"home", "draw", "away"}

func (r *row) hasOdds() bool { return r.odds[0] > 1 && r.odds[1] > 1 && r.odds[2] > 1 }

// readRows reads prediction rows. A row must have home, away and the three
// probabilities; odds and result are optional.
func readRows(v any, input string) ([]row, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("input %s must be a list of predictions, not %T", input, v)
	}
	out := make([]row, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d]: a prediction is a mapping, not %T", input, i, item)
		}
		r := row{result: -1}
		r.home, _ = m["home"].(string)
		r.away, _ = m["away"].(string)
		r.date, _ = m["date"].(string)
		r.season, _ = m["season"].(string)
		if r.home == "" || r.away == "" {
			return nil, fmt.Errorf("%s[%d]: a prediction needs home and away", input, i)
		}
		sum := 0.0
		for k, key := range []string{"p_home", "p_draw", "p_away"} {
			f, ok := number(m[key])
			if !ok || f < 0 || f > 1 {
				return nil, fmt.Errorf("%s[%d] (%s - %s): %s must be a probability", input, i, r.home, r.away, key)
			}
			r.p[k] = f
			sum += f
		}
		if math.Abs(sum-1) > 0.01 {
			return nil, fmt.Errorf("%s[%d] (%s - %s): probabilities sum to %.3f, not 1", input, i, r.home, r.away, sum)
		}
		if o, ok := m["odds"].(map[string]any); ok {
			for k, key := range outcomes {
				r.odds[k], _ = number(o[key])
			}
		}
		if res, ok := m["result"].(string); ok {
			for k, key := range outcomes {
				if res == key {
					r.result = k
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// joinOdds fills in odds from a CSV for rows that have none, matching on
// home and away (and the date, where both have one).
func joinOdds(ctx context.Context, rows []row, path string) error {
	ms, src, err := football.Read(ctx, path, filepath.Join(".pipe", "cache"))
	if err != nil {
		return err
	}
	if src.OddsColumns == "" {
		return fmt.Errorf("%s: no odds columns (want AvgH/AvgD/AvgA, B365H/B365D/B365A, PSH/PSD/PSA or hOdd/dOdd/aOdd)", path)
	}
	byTeams := map[string][]football.Match{}
	for _, m := range ms {
		if m.HasOdds() {
			k := m.Home + "|" + m.Away
			byTeams[k] = append(byTeams[k], m)
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.hasOdds() {
			continue
		}
		cands := byTeams[r.home+"|"+r.away]
		for _, m := range cands {
			if r.date == "" || !m.Dated || m.When.Format("2006-01-02") == r.date {
				r.odds = m.Odds
			}
		}
	}
	return nil
}
