package sports_predictor

import (
	"fmt"
	"slices"

	"github.com/pipe-run/pipe/modules/internal/football"
)

// fixturesInfo says where the fixtures came from, for the page and the
// log: "input", "data" (unplayed rows), "implied" (the rest of a season
// the data shows half played) or "none", with a sentence a person reads.
type fixturesInfo struct {
	source, note, season string
}

func (f fixturesInfo) value(n int) map[string]any {
	out := map[string]any{"source": f.source, "count": n, "note": f.note}
	if f.season != "" {
		out["season"] = f.season
	}
	return out
}

// giveFixtures is the hint for data that implies no fixture.
const giveFixtures = "give FIXTURES (a CSV of matches: HomeTeam,AwayTeam and a Date if known; pipe run pipelines/predict.yaml --fixtures FILE), " +
	"or ask for any match with the form or GET /api/predict?home=...&away=..."

// impliedFixtures returns the matches the data implies are still to play:
// when the last season is a double round-robin half played (the season
// before it has every club meeting every other home and away, and the last
// one has as many clubs, none of its pairings twice), its pairings not yet
// played. They have no date: the data does not say when they are.
func impliedFixtures(played []football.Match) ([]football.Match, fixturesInfo) {
	none := fixturesInfo{source: "none"}
	var seasons []string
	bySeason := map[string][]*football.Match{}
	for i := range played {
		m := &played[i]
		if bySeason[m.Season] == nil {
			seasons = append(seasons, m.Season)
		}
		bySeason[m.Season] = append(bySeason[m.Season], m)
	}
	if len(seasons) == 0 {
		none.note = "no played matches and no fixtures: " + giveFixtures
		return nil, none
	}
	last := seasons[len(seasons)-1]
	teams, pairs, ok := roundRobin(bySeason[last])
	n := len(teams)
	switch {
	case ok && len(pairs) == n*(n-1):
		none.note = fmt.Sprintf("the data's last season (%s) is complete and the next one's clubs are not in it: %s", last, giveFixtures)
		return nil, none
	case !ok || len(seasons) < 2:
		none.note = fmt.Sprintf("the data has no unplayed matches and its last season (%s) does not show a full schedule: %s", last, giveFixtures)
		return nil, none
	}
	prevTeams, prevPairs, prevOK := roundRobin(bySeason[seasons[len(seasons)-2]])
	if !prevOK || len(prevTeams) != n || len(prevPairs) != n*(n-1) {
		none.note = fmt.Sprintf("the data has no unplayed matches, and its seasons are not double round-robins to infer %s's from: %s", last, giveFixtures)
		return nil, none
	}
	var out []football.Match
	for _, h := range teams {
		for _, a := range teams {
			if h != a && !pairs[[2]string{h, a}] {
				out = append(out, football.Match{Season: last, Home: h, Away: a, HomeGoals: -1, AwayGoals: -1, Source: "implied by " + last})
			}
		}
	}
	return out, fixturesInfo{source: "implied", season: last, note: fmt.Sprintf(
		"the %d matches still to play in %s: every club meets every other home and away, and these pairings have not met yet. "+
			"The data has no dates for them; give FIXTURES for the schedule", len(out), last)}
}

// roundRobin returns a season's clubs (sorted) and its (home, away)
// pairings; ok is false when a pairing repeats, which a double round-robin
// never does.
func roundRobin(ms []*football.Match) ([]string, map[[2]string]bool, bool) {
	pairs := make(map[[2]string]bool, len(ms))
	seen := map[string]bool{}
	var teams []string
	for _, m := range ms {
		p := [2]string{m.Home, m.Away}
		if pairs[p] {
			return nil, nil, false
		}
		pairs[p] = true
		for _, t := range p {
			if !seen[t] {
				seen[t] = true
				teams = append(teams, t)
			}
		}
	}
	slices.Sort(teams)
	return teams, pairs, len(teams) >= 4
}
