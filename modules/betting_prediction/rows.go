package betting_prediction

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"time"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
)

// row is one predicted match, read from sports_predictor's output.
type row struct {
	date, season, home, away string
	p                        [3]float64
	odds                     [3]float64
	result                   int // -1 when not played
	// methods are other methods' probabilities for the same match
	// (sports_predictor's compare), to backtest side by side.
	methods map[string][3]float64
}

var outcomes = [3]string{"home", "draw", "away"}

// hasOdds reports whether the row has usable odds: each finite and above
// 1 (football.UsableOdds); an infinite price is no price.
func (r *row) hasOdds() bool { return football.UsableOdds(r.odds) }

// readRows reads prediction rows. A row must have home, away and the three
// probabilities; odds and result are optional.
func readRows(v any, input string) ([]row, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("input %s must be a list of predictions, not %s", input, modules.Describe(v))
	}
	out := make([]row, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s[%d]: a prediction is a mapping, not %s", input, i, modules.Describe(item))
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
			f, ok := modules.AsNumber(m[key])
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
				r.odds[k], _ = modules.AsNumber(o[key])
			}
		}
		r.methods = methodProbs(m["methods"])
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

// joinOdds fills in odds from a CSV for rows that have none. Rows and odds
// pair on home and away, and on the date where both have one, else on the
// season. Club names are aligned first (football.Align): results and odds
// datasets rarely spell clubs alike ("Man United", "Manchester United").
// It returns how many rows needed odds, how many got them, and the names
// it read differently.
func joinOdds(ctx context.Context, rows []row, path string) (join oddsJoin, err error) {
	ms, src, err := football.Read(ctx, path, filepath.Join(".pipe", "cache"))
	if err != nil {
		return join, err
	}
	join.bad, join.firstBad = src.BadOdds, src.FirstBadOdds
	if src.OddsColumns == "" {
		return join, fmt.Errorf("%s: no odds columns (want AvgH/AvgD/AvgA, B365H/B365D/B365A, PSH/PSD/PSA or hOdd/dOdd/aOdd)", path)
	}
	// The seasons of the rows that need odds: undated odds from other
	// seasons must not be taken, nor their clubs aligned.
	seasons := map[int]bool{}
	var rowTeams []string
	seenRow := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		if r.hasOdds() {
			continue
		}
		join.needed++
		if y, ok := r.seasonYear(); ok {
			seasons[y] = true
		}
		for _, t := range []string{r.home, r.away} {
			if !seenRow[t] {
				seenRow[t] = true
				rowTeams = append(rowTeams, t)
			}
		}
	}
	if join.needed == 0 {
		return join, nil
	}
	inScope := func(m *football.Match) bool {
		if len(seasons) == 0 {
			return true
		}
		y, ok := football.SeasonYear(m.Season)
		return !ok || seasons[y]
	}
	var oddsTeams []string
	seenOdds := map[string]bool{}
	for k := range ms {
		m := &ms[k]
		if !m.HasOdds() || !inScope(m) {
			continue
		}
		for _, t := range []string{m.Home, m.Away} {
			if !seenOdds[t] {
				seenOdds[t] = true
				oddsTeams = append(oddsTeams, t)
			}
		}
	}
	names := football.Align(oddsTeams, rowTeams)
	for from, to := range names {
		if from != to {
			join.renamed = append(join.renamed, from+" as "+to)
		}
	}
	slices.Sort(join.renamed)
	byTeams := map[string][]*football.Match{}
	for k := range ms {
		m := &ms[k]
		home, okH := names[m.Home]
		away, okA := names[m.Away]
		if m.HasOdds() && okH && okA && inScope(m) {
			byTeams[home+"|"+away] = append(byTeams[home+"|"+away], m)
		}
	}
	fileSeasons := map[int]bool{}
	for k := range ms {
		if y, ok := football.SeasonYear(ms[k].Season); ok && ms[k].HasOdds() {
			fileSeasons[y] = true
		}
	}
	pairedNames := map[string]bool{}
	for _, to := range names {
		pairedNames[to] = true
	}
	clubs := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		if r.hasOdds() {
			continue
		}
		y, ok := r.seasonYear()
		covered := ok && fileSeasons[y]
		if covered {
			join.covered++
			for _, club := range []string{r.home, r.away} {
				if !clubs[club] {
					clubs[club] = true
					join.clubs++
					if pairedNames[club] {
						join.pairedClubs++
					}
				}
			}
		}
		for _, m := range byTeams[r.home+"|"+r.away] {
			if r.sameMatch(m) {
				r.odds = m.Odds
				join.found++
				if covered {
					join.coveredFound++
				}
				break
			}
		}
	}
	return join, nil
}

// oddsJoin is what joinOdds did.
type oddsJoin struct {
	needed, found int
	// covered counts the rows that needed odds in the seasons the file
	// has odds for, coveredFound those of them that got odds: a file of
	// the same league gives nearly all of them theirs.
	covered, coveredFound int
	// clubs counts the clubs of those rows, pairedClubs those of them
	// that pair with a club of the file: a league's fixtures still to
	// play find no odds in its file of played matches, but their clubs
	// pair; another league's pair with none.
	clubs, pairedClubs int
	renamed            []string // "odds name as prediction name"
	// bad counts the file's matches whose odds are not usable (inf, NaN,
	// 1 or less), read as no odds; firstBad is the first one's file:line.
	bad      int
	firstBad string
}

// seasonYear is the start year of the row's season, from its season or
// its date.
func (r *row) seasonYear() (int, bool) {
	if y, ok := football.SeasonYear(r.season); ok {
		return y, true
	}
	if d, err := time.Parse("2006-01-02", r.date); err == nil {
		return football.SeasonYear(football.SeasonOf(d))
	}
	return 0, false
}

// sameMatch reports whether m, a match between the row's clubs, is the
// row's match: the same date where both are dated, else the same season
// where both have one.
func (r *row) sameMatch(m *football.Match) bool {
	if r.date != "" && m.Dated {
		return m.When.Format("2006-01-02") == r.date
	}
	y, ok := r.seasonYear()
	my, mok := football.SeasonYear(m.Season)
	return !ok || !mok || y == my
}
