package sports_predictor

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An unknown team is named with suggestions from, and the count of, the
// model's clubs, not the data's; a loaded model that lacks a club of the
// data was fitted on other data, and the message says how to fit one.
func TestUnknownTeamNamesTheModelsTeams(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Date,HomeTeam,AwayTeam,FTHG,FTAG\n")
	for i := range 40 {
		home, away := "Alpha FC", "Beta FC"
		if i%2 == 1 {
			home, away = away, home
		}
		fmt.Fprintf(&b, "2023-%02d-%02d,%s,%s,%d,%d\n", 8+i/28, 1+i%28, home, away, i%3, (i+1)%2)
	}
	twoTeams := filepath.Join(dir, "two-teams.csv")
	os.WriteFile(twoTeams, []byte(b.String()), 0o644)
	twoModel, synthModel := filepath.Join(dir, "two.json"), filepath.Join(dir, "synthetic.json")
	if _, err := run(t, map[string]any{"data": twoTeams, "model": twoModel, "mode": "fit", "evaluate": false}); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, map[string]any{"model": synthModel, "mode": "fit", "evaluate": false}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		with     map[string]any
		want     []string
		dontWant []string
	}{
		{"model of other teams loaded on the synthetic league",
			map[string]any{"model": twoModel, "mode": "load"},
			[]string{`unknown team "Synthetic`, "(the model knows 2: Alpha FC, Beta FC)", "the model file " + twoModel + " was fitted on other data", "mode fit"},
			[]string{"did you mean", "20 teams"}},
		{"typo in a fixture, fitted model",
			map[string]any{"fixtures": []any{"Synthetic Cty - Synthetic Rovers"}},
			[]string{`unknown team "Synthetic Cty"`, `did you mean "Synthetic City"?`, "(the model knows 20 teams)"},
			[]string{"other data"}},
		{"typo in a fixture, model of this data loaded",
			map[string]any{"model": synthModel, "mode": "load", "fixtures": []any{"Synthetic Cty - Synthetic Rovers"}},
			[]string{`did you mean "Synthetic City"?`, "(the model knows 20 teams)"},
			[]string{"other data"}},
		{"typo of the loaded model's club",
			map[string]any{"model": twoModel, "mode": "load", "fixtures": []any{"Alpha F - Beta FC"}},
			[]string{`unknown team "Alpha F"`, `did you mean "Alpha FC"?`, "(the model knows 2: Alpha FC, Beta FC)"},
			[]string{"other data"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.with["evaluate"] = false
			_, err := run(t, tc.with)
			if err == nil {
				t.Fatal("an unknown team was predicted")
			}
			checkErrorText(t, err, tc.want, tc.dontWant)
		})
	}
	// A loaded model's output counts its own clubs.
	out, err := run(t, map[string]any{"model": twoModel, "mode": "load", "evaluate": false, "fixtures": []any{"Alpha FC - Beta FC"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := out.Values["model"].(map[string]any)["teams"]; n != 2 {
		t.Errorf("model output says %v teams, want the loaded model's 2", n)
	}
}
