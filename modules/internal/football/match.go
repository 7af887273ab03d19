// Package football reads match results (and bookmaker odds) in the layouts
// people have, and makes a synthetic league when there is no real data.
package football

import (
	"fmt"
	"math"
	"time"
)

// Outcome is a match result from the home side's view.
type Outcome int

// The three outcomes, in the order probabilities are given everywhere.
const (
	Home Outcome = iota
	Draw
	Away
)

func (o Outcome) String() string { return [...]string{"home", "draw", "away"}[o] }

// Match is one match, played or to be played.
type Match struct {
	// When orders matches: the date, or for layouts without dates a date
	// made from the season and round (a week a round from August 1st).
	When   time.Time
	Dated  bool // When is a real date
	Season string
	Round  int
	Home   string
	Away   string
	// Goals are -1 for a fixture not yet played.
	HomeGoals, AwayGoals int
	// Odds are decimal home/draw/away odds; zero when the source has none,
	// or has odds no bookmaker offers (see UsableOdds).
	Odds [3]float64
	// BadOdds says the source gave odds that are not UsableOdds (inf,
	// NaN, 0, negative): they were dropped, and Odds are zero.
	BadOdds bool
	// Source is file:line, for error messages.
	Source string
}

// Played reports whether the match has a result.
func (m *Match) Played() bool { return m.HomeGoals >= 0 && m.AwayGoals >= 0 }

// HasOdds reports whether the match has a full set of usable odds.
func (m *Match) HasOdds() bool { return UsableOdds(m.Odds) }

// UsableOdds reports whether odds are a full set of decimal home/draw/away
// odds a bookmaker could offer: each finite and above 1. Others (missing,
// NaN, infinite, 1 or less) are no odds at all: an infinite price would
// make any backtest's profit infinite, and a price of 1 or less pays
// nothing.
func UsableOdds(o [3]float64) bool {
	for _, x := range o {
		if !(x > 1) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Result is the outcome of a played match.
func (m *Match) Result() Outcome {
	switch {
	case m.HomeGoals > m.AwayGoals:
		return Home
	case m.HomeGoals < m.AwayGoals:
		return Away
	}
	return Draw
}

// Key names the match for joining data from two files.
func (m *Match) Key() string {
	return fmt.Sprintf("%s|%s|%s|%s", m.Season, m.When.Format("2006-01-02"), m.Home, m.Away)
}

// SeasonOf names the season a date falls in when nothing tells more:
// seasons start in July. Read names the seasons of the matches it reads
// by their league's calendar (AssignSeasons).
func SeasonOf(t time.Time) string {
	y := t.Year()
	if t.Month() < time.July {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}

// seasonStart returns August 1st of a "2005-2006" or "2005-06" season.
func seasonStart(season string) (time.Time, bool) {
	var y int
	if _, err := fmt.Sscanf(season, "%4d", &y); err != nil || y < 1850 || y > 2200 {
		return time.Time{}, false
	}
	return time.Date(y, time.August, 1, 0, 0, 0, 0, time.UTC), true
}
