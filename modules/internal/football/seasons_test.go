package football

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedData is the project's real data, beside the repository (see its
// README); tests that read it skip, saying so, when it is absent.
const sharedData = "../../../../shared/data"

// The results of the four leagues come a file a season (season-1920.csv
// is 2019-20): every match is named the season of its file, the 2019-20
// seasons that ran into July and August 2020 included, whether a league's
// directory is read whole, a file alone, or the four leagues at once.
func TestAssignSeasonsRealData(t *testing.T) {
	results := filepath.Join(sharedData, "results")
	if _, err := os.Stat(results); err != nil {
		t.Skipf("no real data at %s: skipped", results)
	}
	sources := []string{filepath.Join(results, "*", "*.csv")}
	for _, league := range []string{"premier-league", "bundesliga", "serie-a", "la-liga"} {
		sources = append(sources, filepath.Join(results, league))
		files, _ := filepath.Glob(filepath.Join(results, league, "*.csv"))
		sources = append(sources, files...)
	}
	for _, source := range sources {
		t.Run(strings.TrimPrefix(source, results), func(t *testing.T) {
			ms, _, err := Read(context.Background(), source, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			wrong := map[string]int{}
			count := map[string]int{}
			for _, m := range ms {
				count[m.Season]++
				if want := fileSeason(m.Source); m.Season != want {
					wrong[fmt.Sprintf("%s read as %s", want, m.Season)]++
				}
			}
			if len(wrong) > 0 {
				t.Errorf("matches named another season than their file's: %v", wrong)
			}
			if n, m := count["2019-2020"], count["2020-2021"]; strings.HasSuffix(source, "premier-league") && (n != 380 || m != 380) {
				t.Errorf("2019-20 has %d matches and 2020-21 %d, want 380 each", n, m)
			}
		})
	}
}

// fileSeason is the season of a results file's match: "season-1920.csv:7"
// is "2019-2020".
func fileSeason(source string) string {
	base := filepath.Base(fileOf(source))
	var a, b int
	fmt.Sscanf(strings.TrimPrefix(base, "season-"), "%2d%2d", &a, &b)
	century := 2000
	if a > 50 {
		century = 1900
	}
	return fmt.Sprintf("%d-%d", century+a, century+a+1)
}

// Seasons follow each league's summer break, wherever it falls.
func TestAssignSeasons(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// weekly plays a match a week between two clubs of a league, from
	// from to to (inclusive), skipping the weeks in pauses (from, to).
	weekly := func(league, from, to string, pauses ...[2]string) []Match {
		var out []Match
		for d := day(from); !d.After(day(to)); d = d.AddDate(0, 0, 7) {
			paused := false
			for _, p := range pauses {
				paused = paused || !d.Before(day(p[0])) && !d.After(day(p[1]))
			}
			if !paused {
				out = append(out, Match{When: d, Dated: true, Season: SeasonOf(d), Home: league + " Home", Away: league + " Away"})
			}
		}
		return out
	}
	type check struct{ date, league, season string }
	tests := []struct {
		name    string
		matches [][]Match
		checks  []check
	}{
		{
			name:    "seasons from August to May",
			matches: [][]Match{weekly("A", "2017-08-12", "2018-05-13"), weekly("A", "2018-08-11", "2019-05-12")},
			checks:  []check{{"2018-05-12", "A", "2017-2018"}, {"2018-08-11", "A", "2018-2019"}, {"2019-05-11", "A", "2018-2019"}},
		},
		{
			name: "a season stopped in spring that ends in August",
			matches: [][]Match{
				weekly("A", "2019-08-10", "2020-08-01", [2]string{"2020-03-10", "2020-06-15"}),
				weekly("A", "2020-09-19", "2021-05-23"),
			},
			checks: []check{{"2020-06-20", "A", "2019-2020"}, {"2020-08-01", "A", "2019-2020"}, {"2020-09-19", "A", "2020-2021"}},
		},
		{
			name:    "a season stopped in March, not resumed",
			matches: [][]Match{weekly("A", "2019-08-10", "2020-03-07"), weekly("A", "2020-08-22", "2021-05-23")},
			checks:  []check{{"2020-03-07", "A", "2019-2020"}, {"2020-08-22", "A", "2020-2021"}},
		},
		{
			name:    "one season, into August, alone",
			matches: [][]Match{weekly("A", "2019-08-10", "2020-08-01", [2]string{"2020-03-10", "2020-06-15"})},
			checks:  []check{{"2019-08-10", "A", "2019-2020"}, {"2020-06-20", "A", "2019-2020"}, {"2020-08-01", "A", "2019-2020"}},
		},
		{
			name:    "the first weeks of two seasons, a season apart",
			matches: [][]Match{weekly("A", "2017-08-05", "2017-10-21"), weekly("A", "2018-08-04", "2018-10-20")},
			checks:  []check{{"2017-08-05", "A", "2017-2018"}, {"2018-08-04", "A", "2018-2019"}, {"2018-10-20", "A", "2018-2019"}},
		},
		{
			name: "two leagues, each its own calendar",
			matches: [][]Match{
				weekly("A", "2019-08-10", "2020-08-01"), weekly("A", "2020-09-19", "2021-05-23"),
				weekly("B", "2019-07-27", "2020-05-16"), weekly("B", "2020-07-25", "2021-05-15"),
			},
			checks: []check{{"2020-08-01", "A", "2019-2020"}, {"2020-07-25", "B", "2020-2021"}, {"2020-05-16", "B", "2019-2020"}},
		},
		{
			name:    "no summer break: 1 July",
			matches: [][]Match{weekly("A", "2019-03-02", "2020-11-28")},
			checks:  []check{{"2019-06-29", "A", "2018-2019"}, {"2019-07-06", "A", "2019-2020"}, {"2020-03-07", "A", "2019-2020"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []Match
			for _, part := range tt.matches {
				ms = append(ms, part...)
			}
			ms = append(ms, Match{Season: "2005-2006", Round: 1, Home: "A Home", Away: "A Away"}) // undated
			AssignSeasons(ms)
			if got := ms[len(ms)-1].Season; got != "2005-2006" {
				t.Errorf("an undated match's season became %s", got)
			}
			for _, c := range tt.checks {
				found := false
				for _, m := range ms {
					if m.Dated && m.When.Equal(day(c.date)) && strings.HasPrefix(m.Home, c.league+" ") {
						found = true
						if m.Season != c.season {
							t.Errorf("%s (league %s) is in %s, want %s", c.date, c.league, m.Season, c.season)
						}
					}
				}
				if !found {
					t.Fatalf("no match of league %s on %s: the test's data is wrong", c.league, c.date)
				}
			}
		})
	}
}

// Fixtures given apart from the data are named seasons by the data's
// calendar: late July 2020 is 2019-20 where the league played on into
// August, September 2020 is 2020-21; the data's own seasons stay.
func TestAssignSeasonsBeside(t *testing.T) {
	var data []Match
	for d := time.Date(2019, 8, 10, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2020, 7, 19, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 7) {
		data = append(data, Match{When: d, Dated: true, Season: "as read", Home: "Arsenal", Away: "Everton", HomeGoals: 1, AwayGoals: 0})
	}
	fixtures := []Match{
		{When: time.Date(2020, 7, 25, 0, 0, 0, 0, time.UTC), Dated: true, Home: "Everton", Away: "Arsenal", HomeGoals: -1, AwayGoals: -1},
		{When: time.Date(2020, 9, 12, 0, 0, 0, 0, time.UTC), Dated: true, Home: "Arsenal", Away: "Everton", HomeGoals: -1, AwayGoals: -1},
		{Home: "Arsenal", Away: "Everton", HomeGoals: -1, AwayGoals: -1}, // no date: no season
	}
	AssignSeasonsBeside(data, fixtures)
	if got := []string{fixtures[0].Season, fixtures[1].Season, fixtures[2].Season}; got[0] != "2019-2020" || got[1] != "2020-2021" || got[2] != "" {
		t.Errorf("fixtures' seasons %q, want 2019-2020, 2020-2021 and none", got)
	}
	if data[0].Season != "as read" {
		t.Errorf("the data's season became %q", data[0].Season)
	}
}
