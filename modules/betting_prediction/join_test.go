package betting_prediction

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/football"
)

// Odds from a dataset that spells clubs its own way and has no dates join
// the predictions of the right season.
func TestJoinOddsAlignsNamesAndSeasons(t *testing.T) {
	csv := "season,round,hTeam,aTeam,hScore,aScore,hOdd,dOdd,aOdd\n" +
		"2016-2017,1,Manchester United,Arsenal FC,1,0,2.10,3.40,3.60\n" +
		"2017-2018,1,Manchester United,Arsenal FC,2,2,1.90,3.50,4.20\n" +
		"2017-2018,1,Chelsea FC,Everton FC,2,0,1.50,4.20,7.00\n"
	path := filepath.Join(t.TempDir(), "odds.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	rows := []row{
		{date: "2017-10-01", home: "Man United", away: "Arsenal", result: -1},
		{date: "2017-10-08", home: "Chelsea", away: "Everton", result: -1},
		{date: "2017-10-15", home: "Man United", away: "Leeds", result: -1},
		{date: "2017-10-22", home: "Everton", away: "Chelsea", odds: [3]float64{3, 3, 3}, result: -1},
	}
	join, err := joinOdds(context.Background(), rows, path)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].odds != [3]float64{1.90, 3.50, 4.20} {
		t.Errorf("Man United - Arsenal got %v, want the 2017-2018 odds", rows[0].odds)
	}
	if rows[1].odds != [3]float64{1.50, 4.20, 7.00} {
		t.Errorf("Chelsea - Everton got %v", rows[1].odds)
	}
	if rows[2].hasOdds() {
		t.Errorf("Man United - Leeds got odds %v from a file without that match", rows[2].odds)
	}
	if rows[3].odds != [3]float64{3, 3, 3} {
		t.Errorf("a row's own odds were replaced: %v", rows[3].odds)
	}
	if join.needed != 3 || join.found != 2 {
		t.Errorf("needed %d, found %d; want 3 and 2", join.needed, join.found)
	}
	want := []string{"Arsenal FC as Arsenal", "Chelsea FC as Chelsea", "Everton FC as Everton", "Manchester United as Man United"}
	if !slices.Equal(join.renamed, want) {
		t.Errorf("renamed %q, want %q", join.renamed, want)
	}
}

// On the shared data, the results (short names, dates) find their odds in
// the odds dataset (long names, rounds, no dates, to 2018-19): every match
// of the four leagues' 2017-18 and 2018-19 seasons, and none of the two
// seasons after, which bring clubs the odds never name. Skipped without the
// data.
func TestJoinOddsRealData(t *testing.T) {
	const shared = "../../../shared/data"
	leagues := map[string]string{
		"premier-league": "england_premier-league", "bundesliga": "germany_bundesliga",
		"serie-a": "italy_serie-a", "la-liga": "spain_primera",
	}
	for results, odds := range leagues {
		oddsFile := filepath.Join(shared, "odds", odds+".csv")
		if _, err := os.Stat(oddsFile); err != nil {
			t.Skipf("no real data at %s: skipped", shared)
		}
		var rows []row
		for _, season := range []string{"1718", "1819", "1920", "2021"} {
			ms, _, err := football.Read(context.Background(), filepath.Join(shared, "results", results, "season-"+season+".csv"), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				rows = append(rows, row{date: m.When.Format("2006-01-02"), season: m.Season, home: m.Home, away: m.Away, result: -1})
			}
		}
		if _, err := joinOdds(context.Background(), rows, oddsFile); err != nil {
			t.Fatal(err)
		}
		missing, wrong := map[string]int{}, 0
		for _, r := range rows {
			covered := r.date < "2019-07-01"
			switch {
			case covered && !r.hasOdds():
				missing[r.home+" - "+r.away]++
			case !covered && r.hasOdds():
				wrong++
			}
		}
		if len(missing) > 0 || wrong > 0 {
			t.Errorf("%s: %d matches of 2017-19 without odds (%v), %d later ones with odds", results, len(missing), missing, wrong)
		}
	}
}

// On the shared data, a league's results with another league's odds are
// refused (no club pairs: under half the matches of the file's seasons
// find odds), and with their own odds are not. Skipped without the data.
func TestJoinOddsOfAnotherLeagueRealData(t *testing.T) {
	const shared = "../../../shared/data"
	leagues := [][2]string{
		{"premier-league", "england_premier-league"}, {"bundesliga", "germany_bundesliga"},
		{"serie-a", "italy_serie-a"}, {"la-liga", "spain_primera"},
	}
	if _, err := os.Stat(filepath.Join(shared, "odds")); err != nil {
		t.Skipf("no real data at %s: skipped", shared)
	}
	for _, res := range leagues {
		for _, odds := range leagues {
			t.Run(res[0]+"/"+odds[1], func(t *testing.T) {
				var rows []row
				for _, season := range []string{"1718", "1819", "1920"} {
					ms, _, err := football.Read(context.Background(), filepath.Join(shared, "results", res[0], "season-"+season+".csv"), t.TempDir())
					if err != nil {
						t.Fatal(err)
					}
					for _, m := range ms {
						rows = append(rows, row{date: m.When.Format("2006-01-02"), season: m.Season, home: m.Home, away: m.Away, result: -1})
					}
				}
				oddsFile := filepath.Join(shared, "odds", odds[1]+".csv")
				join, err := joinOdds(context.Background(), rows, oddsFile)
				if err != nil {
					t.Fatal(err)
				}
				err = join.mismatch(oddsFile, "evaluation")
				switch {
				case res == odds && err != nil:
					t.Errorf("the league's own odds refused: %v", err)
				case res != odds && (err == nil || !strings.Contains(err.Error(), "likely another league's odds")):
					t.Errorf("another league's odds taken (found %d of %d, names %q): %v", join.found, join.needed, join.renamed, err)
				}
			})
		}
	}
}

// An odds file that gives odds to under half the matches of its seasons
// is refused, naming the file, the counts and the clubs paired; a few
// matches without odds are no sign of another league.
func TestOddsJoinMismatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		join oddsJoin
		want string // "" for no error
	}{
		{"all found", oddsJoin{covered: 760, coveredFound: 760, clubs: 23, pairedClubs: 23}, ""},
		{"half found", oddsJoin{covered: 40, coveredFound: 20, clubs: 20}, ""},
		{"a few fixtures, none found", oddsJoin{covered: 9, clubs: 18}, ""},
		// The league's fixtures still to play, against its file of the
		// season's played matches: none found, every club pairs.
		{"fixtures to play, clubs paired", oddsJoin{covered: 36, clubs: 8, pairedClubs: 8}, ""},
		{"none paired", oddsJoin{covered: 760, clubs: 23}, "odds.csv: odds for only 0 of the 760 matches of the evaluation in the seasons the file covers (no club of the evaluation pairs"},
		{"a chance pairing", oddsJoin{covered: 760, coveredFound: 42, clubs: 23, pairedClubs: 2, renamed: []string{"CD Alavés as Atalanta", "Girona FC as Verona"}},
			"odds for only 42 of the 760 matches of the evaluation in the seasons the file covers (2 of its 23 clubs pair: CD Alavés as Atalanta, Girona FC as Verona): it is likely another league's odds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.join.mismatch("odds.csv", "evaluation")
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("mismatch = %v, want %q", err, tc.want)
			}
		})
	}
}

// A league's fixtures still to play, priced from its file of the season's
// played matches: none of them is in the file, but every club pairs, so
// the file is the same league's and the fixtures go unpriced (a warning),
// not refused as another league's odds.
func TestJoinOddsFixturesStillToPlay(t *testing.T) {
	clubs := []string{"Arsenal", "Chelsea", "Everton", "Fulham", "Leeds", "Burnley", "Watford", "Wolves"}
	csv := "Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A\n"
	var rows []row
	day := 0
	for i, home := range clubs {
		for j, away := range clubs {
			if i == j {
				continue
			}
			day++
			month, dom := 8+day/12, 1+2*(day%12)
			if day <= 20 { // played, with odds in the file
				csv += fmt.Sprintf("%02d/%02d/2021,%s,%s,1,0,2.0,3.2,3.8\n", dom, month, home, away)
				continue
			}
			// To play, from January on.
			rows = append(rows, row{date: fmt.Sprintf("2022-%02d-%02d", month-7, dom), season: "2021-2022", home: home, away: away, result: -1})
		}
	}
	path := filepath.Join(t.TempDir(), "odds.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	join, err := joinOdds(context.Background(), rows, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := join.mismatch(path, "predictions"); err != nil {
		t.Errorf("the league's own odds refused for its fixtures to play (covered %d, found %d, clubs %d, paired %d): %v",
			join.covered, join.coveredFound, join.clubs, join.pairedClubs, err)
	}
}

// An odds file given for matches that all have odds of their own (data
// with odds columns) is not used, and the log says so: it was silent,
// and a file of another league seemed taken.
func TestOddsFileNotUsedIsSaid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odds.csv")
	os.WriteFile(path, []byte("Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A\n01/08/2021,A,B,1,0,2.0,3.2,3.8\n"), 0o644)
	var log strings.Builder
	in := &modules.Input{Node: "b", Attempt: 1, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	rows := []row{{date: "2021-08-01", home: "Sevilla", away: "Betis", odds: [3]float64{2, 3, 4}, result: -1}}
	if err := addOdds(context.Background(), in, rows, path, path, "evaluation"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "odds: the file is not used: every match of the evaluation has odds of its own") {
		t.Errorf("the log does not say the file is unused:\n%s", log.String())
	}
}
