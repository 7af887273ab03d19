package football

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestAlign(t *testing.T) {
	tests := []struct {
		name     string
		from, to []string
		want     map[string]string
	}{
		{
			name: "long names to short ones, from the shared data",
			from: []string{"Manchester United", "Manchester City", "West Bromwich Albion", "West Ham United", "Tottenham Hotspur", "Brighton & Hove Albion", "Crystal Palace"},
			to:   []string{"Man City", "West Ham", "Crystal Palace", "Brighton", "Tottenham", "Man United", "West Brom"},
			want: map[string]string{
				"Manchester United": "Man United", "Manchester City": "Man City", "West Bromwich Albion": "West Brom",
				"West Ham United": "West Ham", "Tottenham Hotspur": "Tottenham", "Brighton & Hove Albion": "Brighton",
				"Crystal Palace": "Crystal Palace",
			},
		},
		{
			name: "accents and prefixes",
			from: []string{"1. FC Köln", "Bor. Mönchengladbach", "CD Alavés", "Málaga CF", "SPAL 2013 Ferrara", "Internazionale", "AC Milan", "Wolverhampton Wanderers"},
			to:   []string{"FC Koln", "M'gladbach", "Alaves", "Malaga", "Spal", "Inter", "Milan", "Wolves", "Norwich", "Sheffield United"},
			want: map[string]string{
				"1. FC Köln": "FC Koln", "Bor. Mönchengladbach": "M'gladbach", "CD Alavés": "Alaves", "Málaga CF": "Malaga",
				"SPAL 2013 Ferrara": "Spal", "Internazionale": "Inter", "AC Milan": "Milan", "Wolverhampton Wanderers": "Wolves",
			},
		},
		{
			name: "equal names first, ignoring case",
			from: []string{"ARSENAL", "Arsenal Tula"},
			to:   []string{"Arsenal"},
			want: map[string]string{"ARSENAL": "Arsenal"},
		},
		{
			name: "initials",
			from: []string{"Queens Park Rangers", "Queens Park"},
			to:   []string{"QPR"},
			want: map[string]string{"Queens Park Rangers": "QPR"},
		},
		{
			name: "clubs of another league that share letters, not a word",
			from: []string{"Elche CF", "Girona FC", "CD Alavés", "Sevilla FC", "Levante UD", "Villarreal CF", "Real Betis", "Athletic Bilbao"},
			to:   []string{"Chelsea", "Verona", "Atalanta", "Milan", "Inter", "Aston Villa", "Reading", "Wigan Athletic", "Leverkusen"},
			want: map[string]string{},
		},
		{
			name: "no club is paired with an unrelated one",
			from: []string{"Juventus", "Sevilla FC"},
			to:   []string{"Everton", "Burnley"},
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Align(tt.from, tt.to); !maps.Equal(got, tt.want) {
				t.Errorf("Align =\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestSeasonYear(t *testing.T) {
	for season, want := range map[string]int{"2017-2018": 2017, "2017-18": 2017} {
		if got, ok := SeasonYear(season); !ok || got != want {
			t.Errorf("SeasonYear(%q) = %d, %v", season, got, ok)
		}
	}
	if _, ok := SeasonYear("last year"); ok {
		t.Error("SeasonYear accepted a season without a year")
	}
}

// On the shared data, every season's clubs of the odds dataset (long
// names) pair with the results' (short names) of the same league, and the
// pairing is right: every match of the odds file is a match of the
// results under the paired names, with the same score. Clubs of different
// leagues pair with none. Skipped without the data.
func TestAlignRealData(t *testing.T) {
	leagues := []struct{ results, odds string }{
		{"premier-league", "england_premier-league"}, {"bundesliga", "germany_bundesliga"},
		{"serie-a", "italy_serie-a"}, {"la-liga", "spain_primera"},
	}
	if _, err := os.Stat(filepath.Join(sharedData, "odds")); err != nil {
		t.Skipf("no real data at %s: skipped", sharedData)
	}
	bySeason := func(source string) map[string][]Match {
		ms, _, err := Read(context.Background(), source, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]Match{}
		for _, m := range ms {
			out[m.Season] = append(out[m.Season], m)
		}
		return out
	}
	results, odds := map[string]map[string][]Match{}, map[string]map[string][]Match{}
	for _, l := range leagues {
		results[l.results] = bySeason(filepath.Join(sharedData, "results", l.results))
		odds[l.odds] = bySeason(filepath.Join(sharedData, "odds", l.odds+".csv"))
	}
	for _, r := range leagues {
		for _, o := range leagues {
			t.Run(r.results+"/"+o.odds, func(t *testing.T) {
				for season, oddsMs := range odds[o.odds] {
					resMs := results[r.results][season]
					names := Align(Teams(oddsMs), Teams(resMs))
					if r != o {
						if len(names) > 0 {
							t.Errorf("%s: clubs of other leagues paired: %v", season, names)
						}
						continue
					}
					played := map[string]bool{}
					for _, m := range resMs {
						played[fmt.Sprintf("%s|%s|%d-%d", m.Home, m.Away, m.HomeGoals, m.AwayGoals)] = true
					}
					for _, m := range oddsMs {
						if !played[fmt.Sprintf("%s|%s|%d-%d", names[m.Home], names[m.Away], m.HomeGoals, m.AwayGoals)] {
							t.Errorf("%s: %s - %s %d-%d, paired as %q - %q, is no match of the results", season, m.Home, m.Away, m.HomeGoals, m.AwayGoals, names[m.Home], names[m.Away])
						}
					}
				}
			})
		}
	}
}
