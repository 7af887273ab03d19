package sports_predictor

import (
	"fmt"
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
