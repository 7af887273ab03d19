package sports_predictor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
	"github.com/pipe-run/pipe/modules/internal/model"
)

// fixturesOf returns the matches to predict: the `fixtures` input (a CSV
// path or a list), or else the data's unplayed matches, or else the ones
// the data implies (impliedFixtures), and says which.
func fixturesOf(ctx context.Context, in *modules.Input, ms []football.Match) ([]football.Match, fixturesInfo, error) {
	fromInput := fixturesInfo{source: "input", note: "the fixtures input"}
	f := in.With["fixtures"]
	if f == "" {
		f = nil
	}
	switch f := f.(type) {
	case nil:
		var out []football.Match
		for _, m := range ms {
			if !m.Played() {
				out = append(out, m)
			}
		}
		if len(out) > 0 {
			return out, fixturesInfo{source: "data", note: "the data's unplayed matches"}, nil
		}
		out, info := impliedFixtures(playedOnly(ms))
		return out, info, nil
	case string:
		out, _, err := football.Read(ctx, f, in.String("cache_dir"))
		fromInput.note = f
		football.AssignSeasonsBeside(ms, out)
		return out, fromInput, err
	case []any:
		out := make([]football.Match, 0, len(f))
		for i, item := range f {
			m, err := fixtureItem(item)
			if err != nil {
				return nil, fromInput, fmt.Errorf("fixtures[%d]: %w", i, err)
			}
			m.Source = fmt.Sprintf("fixtures[%d]", i)
			out = append(out, m)
		}
		football.AssignSeasonsBeside(ms, out)
		return out, fromInput, nil
	}
	return nil, fromInput, fmt.Errorf("fixtures must be a CSV path or a list, not %s", modules.Describe(in.With["fixtures"]))
}

// Compiled on first use, not in an init: inits run at every start of pipe.
var versus = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s+(?:-|v|vs\.?)\s+`) })

func fixtureItem(item any) (football.Match, error) {
	m := football.Match{HomeGoals: -1, AwayGoals: -1}
	switch x := item.(type) {
	case string:
		parts := versus().Split(strings.TrimSpace(x), 2)
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			return m, fmt.Errorf("%q: write \"Home - Away\"", x)
		}
		m.Home, m.Away = strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	case map[string]any:
		m.Home, _ = x["home"].(string)
		m.Away, _ = x["away"].(string)
		if m.Home == "" || m.Away == "" {
			return m, fmt.Errorf("a fixture map needs home and away")
		}
		if d, ok := x["date"].(string); ok && d != "" {
			t, err := time.Parse("2006-01-02", d)
			if err != nil {
				return m, fmt.Errorf("date %q is not yyyy-mm-dd", d)
			}
			m.When, m.Dated, m.Season = t, true, football.SeasonOf(t)
		}
		if odds, ok := x["odds"].([]any); ok && len(odds) == 3 {
			for k, o := range odds {
				m.Odds[k] = toFloat(o)
			}
		}
	default:
		return m, fmt.Errorf("a fixture is \"Home - Away\" or {home, away}, not %s", modules.Describe(item))
	}
	if m.Home == m.Away {
		return m, fmt.Errorf("%s plays itself", m.Home)
	}
	return m, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// checkTeams refuses fixtures of teams the model has never seen: a typo
// would otherwise get an average team's prediction. modelTeams are the
// clubs the model knows, for "did you mean" and the count; a loaded model
// (path) that lacks a club of the data (dataTeams) was fitted on other
// data, and the message says how to fit one on this data.
func checkTeams(fixtures []football.Match, m model.Model, modelTeams, dataTeams []string, loaded bool, path string) error {
	for _, f := range fixtures {
		for _, team := range []string{f.Home, f.Away} {
			if m.Known(team) {
				continue
			}
			hint := ""
			if c := football.Closest(team, modelTeams); c != "" {
				hint = fmt.Sprintf("; did you mean %q?", c)
			}
			knows := fmt.Sprintf("the model knows %d teams", len(modelTeams))
			if len(modelTeams) <= 5 {
				knows = fmt.Sprintf("the model knows %d: %s", len(modelTeams), strings.Join(modelTeams, ", "))
			}
			msg := fmt.Sprintf("%s: unknown team %q in %s - %s%s (%s)", f.Source, team, f.Home, f.Away, hint, knows)
			if loaded && slices.Contains(dataTeams, team) {
				msg += fmt.Sprintf("; the model file %s was fitted on other data: fit one on this data with mode fit (SPORTS_MODE=fit in pipelines/predict.yaml), or load a model of this league", path)
			}
			return errors.New(msg)
		}
	}
	return nil
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// predictionRow is one prediction as plain JSON values.
func predictionRow(m *football.Match, p model.Prediction) map[string]any {
	row := map[string]any{
		"home": m.Home, "away": m.Away,
		"p_home": round4(p.Probs[0]), "p_draw": round4(p.Probs[1]), "p_away": round4(p.Probs[2]),
		"xg_home": round4(p.XGHome), "xg_away": round4(p.XGAway),
		"pick": pick(p.Probs).String(),
	}
	// Real dates only: a layout without dates orders matches by a date
	// made from the round, which must not pass for a date.
	if m.Dated {
		row["date"] = m.When.Format("2006-01-02")
	}
	if m.Season != "" {
		row["season"] = m.Season
	}
	if m.Round > 0 {
		row["round"] = m.Round
	}
	if m.HasOdds() {
		row["odds"] = map[string]any{"home": m.Odds[0], "draw": m.Odds[1], "away": m.Odds[2]}
	}
	if m.Played() {
		row["home_goals"], row["away_goals"] = m.HomeGoals, m.AwayGoals
		row["result"] = m.Result().String()
	}
	return row
}

func pick(p [3]float64) football.Outcome {
	best := football.Home
	for k := 1; k < 3; k++ {
		if p[k] > p[best] {
			best = football.Outcome(k)
		}
	}
	return best
}
