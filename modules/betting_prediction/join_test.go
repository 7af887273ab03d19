package betting_prediction

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

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

// On the shared data, the results (short names, dates) of a season find
// their odds in the odds dataset (long names, rounds, no dates): every
// match of every league. Skipped without the data.
func TestJoinOddsRealData(t *testing.T) {
	const shared = "../../../shared/data"
	leagues := map[string]string{
		"premier-league": "england_premier-league", "bundesliga": "germany_bundesliga",
		"serie-a": "italy_serie-a", "la-liga": "spain_primera",
	}
	for results, odds := range leagues {
		resultsFile := filepath.Join(shared, "results", results, "season-1718.csv")
		oddsFile := filepath.Join(shared, "odds", odds+".csv")
		if _, err := os.Stat(oddsFile); err != nil {
			t.Skipf("no real data at %s: skipped", shared)
		}
		ms, _, err := football.Read(context.Background(), resultsFile, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]row, len(ms))
		for k, m := range ms {
			rows[k] = row{date: m.When.Format("2006-01-02"), home: m.Home, away: m.Away, result: -1}
		}
		join, err := joinOdds(context.Background(), rows, oddsFile)
		if err != nil {
			t.Fatal(err)
		}
		if join.found != len(rows) {
			t.Errorf("%s 2017-18: odds for %d of %d matches (names read as %q)", results, join.found, len(rows), join.renamed)
		}
	}
}
