package sports_predictor

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules/internal/modtest"
)

// oddsHeader is the header of ../shared/data/odds, the season/round layout.
const oddsHeader = `"season","round","hTeam","aTeam","hScore","aScore","hOdd","dOdd","aOdd","hProb","dProb","aProb"`

// seasonsCSV writes a season/round file of n matches a season between ten
// teams ("Team A".."Team J"), every match at odds 2.0/3.0/4.0, and returns
// its path.
func seasonsCSV(t *testing.T, seasons []string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(oddsHeader + "\n")
	for _, season := range seasons {
		k := 0
		for h := range 10 {
			for a := range 10 {
				if h == a || k >= n {
					continue
				}
				fmt.Fprintf(&b, "%s,%d,Team %c,Team %c,%d,%d,2.0,3.0,4.0,0.46,0.31,0.23\n", season, k/5+1, 'A'+h, 'A'+a, (k*7)%4, (k*3)%3)
				k++
			}
		}
	}
	path := filepath.Join(t.TempDir(), "league.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every declared output is there and of its type, whatever the data holds:
// one season (nothing held out), no evaluation, the synthetic league.
func TestOutputsAreTheirDeclaredTypes(t *testing.T) {
	oneSeason := seasonsCSV(t, []string{"2018-2019"}, 50)
	for _, tc := range []struct {
		name string
		with map[string]any
		note string // in metrics, when there is one
	}{
		{"one season", map[string]any{"data": oneSeason}, "one season only"},
		{"one season, elo", map[string]any{"data": oneSeason, "method": "elo", "compare": false}, "one season only"},
		{"evaluate off", map[string]any{"data": oneSeason, "evaluate": false}, ""},
		{"two seasons", map[string]any{"data": seasonsCSV(t, []string{"2017-2018", "2018-2019"}, 50)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, tc.with)
			if err != nil {
				t.Fatal(err)
			}
			modtest.CheckOutputs(t, "sports_predictor", out.Values)
			if note, _ := out.Values["metrics"].(map[string]any)["note"].(string); !strings.Contains(note, tc.note) {
				t.Errorf("metrics note %q, want %q", note, tc.note)
			}
		})
	}
}

// Held-out matches with odds that are not finite or not above 1 have no
// odds: the market's log loss is over the others, finite, and the metrics
// count the matches whose odds were dropped.
func TestUnusableOddsLeaveTheMarket(t *testing.T) {
	clean := seasonsCSV(t, []string{"2017-2018", "2018-2019"}, 50)
	data, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	damage := []string{"2.0,inf,4.0", "NaN,3.0,4.0", "2.0,3.0,0", "2.0,3.0,-2", "+Inf,3.0,4.0"}
	for k, odds := range damage { // held-out rows: the second season's
		i := 52 + 9*k
		lines[i] = strings.Replace(lines[i], "2.0,3.0,4.0", odds, 1)
	}
	damaged := filepath.Join(t.TempDir(), "damaged.csv")
	os.WriteFile(damaged, []byte(strings.Join(lines, "\n")), 0o644)

	out, err := run(t, map[string]any{"data": damaged})
	if err != nil {
		t.Fatal(err)
	}
	metrics := out.Values["metrics"].(map[string]any)
	market := metrics["market"].(map[string]any)
	if metrics["odds_dropped"] != len(damage) || market["n"] != 50-len(damage) {
		t.Errorf("odds_dropped %v, market n %v: want %d dropped, %d priced", metrics["odds_dropped"], market["n"], len(damage), 50-len(damage))
	}
	// Every usable price is the same, so the market's log loss is that
	// of its de-margined probabilities on the matches left.
	ll := market["log_loss"].(float64)
	if math.IsInf(ll, 0) || math.IsNaN(ll) || ll > 2 {
		t.Errorf("market log loss %v", ll)
	}
	for _, r := range out.Values["evaluation"].([]any) {
		if o, ok := r.(map[string]any)["odds"].(map[string]any); ok {
			for k, v := range o {
				if f := v.(float64); math.IsInf(f, 0) || !(f > 1) {
					t.Errorf("evaluation row keeps odds %s = %v", k, f)
				}
			}
		}
	}
}
