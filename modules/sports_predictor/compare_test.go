package sports_predictor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One walk forward of the blend scores each method as its own walk would:
// the dashboard's side-by-side figures are each method's real figures.
func TestCompareMatchesEachMethodAlone(t *testing.T) {
	out, err := run(t, map[string]any{"method": "blend"})
	if err != nil {
		t.Fatal(err)
	}
	byMethod := out.Values["metrics"].(map[string]any)["methods"].(map[string]any)
	for _, method := range []string{"blend", "dixon_coles", "elo"} {
		alone, err := run(t, map[string]any{"method": method, "compare": false})
		if err != nil {
			t.Fatal(err)
		}
		want := alone.Values["metrics"].(map[string]any)["log_loss"]
		got := byMethod[method].(map[string]any)["log_loss"]
		if got != want {
			t.Errorf("%s: compared log loss %v, alone %v", method, got, want)
		}
		seasons := byMethod[method].(map[string]any)["seasons"].(map[string]any)
		if len(seasons) != 2 {
			t.Errorf("%s: seasons %v, want the two held out", method, seasons)
		}
	}
	row := out.Values["evaluation"].([]any)[0].(map[string]any)
	if ps, ok := row["methods"].(map[string]any)["elo"].([]any); !ok || len(ps) != 3 {
		t.Errorf("an evaluation row lacks each method's probabilities: %v", row)
	}
	cal := out.Values["metrics"].(map[string]any)["calibration"].(map[string]any)
	if len(cal["model"].([]any)) < 5 || len(cal["market"].([]any)) < 5 {
		t.Errorf("calibration %v: want the model's and the market's bins", cal)
	}
	m := out.Values["model"].(map[string]any)
	if _, ok := m["fitted"].(map[string]any)["dixon_coles"]; !ok || len(m["current_teams"].([]any)) != 20 {
		t.Errorf("model output lacks the fitted parameters or the 20 current clubs: %v", m["current_teams"])
	}
}

// A results file cut in the middle of a season implies the rest of it:
// every pairing not played yet, without dates. A complete last season
// implies nothing, and says what to give.
func TestImpliedFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "results", "premier-league")
	last, err := os.ReadFile(filepath.Join(dir, "season-2526.csv"))
	if err != nil {
		t.Skipf("real data absent (%v): see ../shared/data/README.md", err)
	}
	prev, err := os.ReadFile(filepath.Join(dir, "season-2425.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "season-2425.csv"), prev, 0o644)
	lines := strings.SplitAfter(string(last), "\n")
	os.WriteFile(filepath.Join(tmp, "season-2526.csv"), []byte(strings.Join(lines[:1+200], "")), 0o644) // header + 200 matches

	out, err := run(t, map[string]any{"data": tmp, "evaluate": false})
	if err != nil {
		t.Fatal(err)
	}
	info := out.Values["fixtures"].(map[string]any)
	preds := out.Values["predictions"].([]any)
	if info["source"] != "implied" || len(preds) != 180 || info["count"] != 180 {
		t.Fatalf("fixtures %v, %d predictions; want the 180 implied ones", info, len(preds))
	}
	for _, p := range preds {
		row := p.(map[string]any)
		if _, dated := row["date"]; dated || row["season"] != "2025-2026" {
			t.Fatalf("an implied fixture has a made-up date or no season: %v", row)
		}
	}

	full, err := run(t, map[string]any{"data": dir, "evaluate": false})
	if err != nil {
		t.Fatal(err)
	}
	info = full.Values["fixtures"].(map[string]any)
	if info["source"] != "none" || len(full.Values["predictions"].([]any)) != 0 || !strings.Contains(info["note"].(string), "give FIXTURES") {
		t.Errorf("complete data: fixtures %v; want none and the FIXTURES hint", info)
	}
}

// The season/round layout has no dates: rows carry season and round, not
// a date made from the round.
func TestNoInventedDates(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "data", "odds", "england_premier-league.csv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("real data absent (%v): see ../shared/data/README.md", err)
	}
	out, err := run(t, map[string]any{"data": path, "method": "elo", "eval_from": "2018-2019", "compare": false})
	if err != nil {
		t.Fatal(err)
	}
	row := out.Values["evaluation"].([]any)[0].(map[string]any)
	if _, dated := row["date"]; dated || row["round"] == nil || row["season"] != "2018-2019" {
		t.Errorf("row %v: want season and round, no date", row)
	}
}
