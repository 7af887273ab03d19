package football

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Odds no bookmaker offers (infinite, NaN, 1 or less) are no odds: the
// match keeps its result, loses its odds, and Read counts it; empty cells
// are missing odds, not bad ones.
func TestUnusableOddsAreMissing(t *testing.T) {
	const header = "season,round,hTeam,aTeam,hScore,aScore,hOdd,dOdd,aOdd\n"
	for _, tc := range []struct {
		name, odds string
		has, bad   bool
	}{
		{"usable", "2.0,3.0,4.0", true, false},
		{"just above 1", "1.01,9,30", true, false},
		{"infinite draw", "2.0,inf,4.0", false, true},
		{"Infinity", "Infinity,3.0,4.0", false, true},
		{"minus infinity", "2.0,3.0,-inf", false, true},
		{"NaN", "NaN,3.0,4.0", false, true},
		{"zero", "2.0,3.0,0", false, true},
		{"negative", "2.0,3.0,-2", false, true},
		{"exactly 1", "1,3.0,4.0", false, true},
		{"not a number", "2.0,evens,4.0", false, true},
		{"empty", ",,", false, false},
		{"one empty", "2.0,,4.0", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csv := header + "2018-2019,1,A,B,1,0," + tc.odds + "\n2018-2019,1,C,D,0,0,2.5,3.1,2.9\n"
			ms, _, _, err := Parse("x.csv", []byte(csv))
			if err != nil {
				t.Fatal(err)
			}
			m := ms[0]
			if m.HasOdds() != tc.has || m.BadOdds != tc.bad || !m.Played() {
				t.Errorf("HasOdds %v BadOdds %v played %v, want %v %v true (odds %v)", m.HasOdds(), m.BadOdds, m.Played(), tc.has, tc.bad, m.Odds)
			}
			if !tc.has && m.Odds != [3]float64{} {
				t.Errorf("odds %v kept, want none", m.Odds)
			}
			path := filepath.Join(t.TempDir(), "x.csv")
			os.WriteFile(path, []byte(csv), 0o644)
			_, src, err := Read(context.Background(), path, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			want, first := 0, ""
			if tc.bad {
				want, first = 1, path+":2"
			}
			if src.BadOdds != want || src.FirstBadOdds != first {
				t.Errorf("Read counts %d bad odds (first %q), want %d (%q)", src.BadOdds, src.FirstBadOdds, want, first)
			}
		})
	}
}
