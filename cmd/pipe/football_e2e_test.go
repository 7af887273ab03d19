package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// leagueCSV writes, under dir, a results file in the layout of
// ../shared/data/odds (season, round, teams, scores, odds): n matches a
// season between ten made-up teams, at odds 2.0/3.0/4.0. It returns the
// file's absolute path.
func leagueCSV(t *testing.T, dir string, seasons []string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`"season","round","hTeam","aTeam","hScore","aScore","hOdd","dOdd","aOdd","hProb","dProb","aProb"` + "\n")
	for _, season := range seasons {
		k := 0
		for h := range 10 {
			for a := range 10 {
				if h != a && k < n {
					fmt.Fprintf(&b, "%s,%d,Team %c,Team %c,%d,%d,2.0,3.0,4.0,0.46,0.31,0.23\n", season, k/5+1, 'A'+h, 'A'+a, (k*7)%4, (k*3)%3)
					k++
				}
			}
		}
	}
	path, err := filepath.Abs(filepath.Join(dir, "league.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPredictOneSeason runs pipelines/predict.yaml on one season of
// results: sports_predictor holds nothing out, its evaluation is an empty
// list (not null), and betting_prediction runs on it and says there is
// nothing to backtest, instead of failing at the pipeline's line.
func TestPredictOneSeason(t *testing.T) {
	dir := t.TempDir()
	data := leagueCSV(t, dir, []string{"2018-2019"}, 50)
	r := pipe(t, "run", "pipelines/predict.yaml", "--no-web", "--no-cache", "--json", "--runs-dir", filepath.Join(dir, "runs"),
		"--sports-model", filepath.Join(dir, "sports.json"), "--set", "DATA="+data)
	if r.code != 0 {
		t.Fatalf("exit %d, want 0\nstderr: %s", r.code, r.stderr)
	}
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatalf("stdout is not the run record: %v\n%s", err, r.stdout)
	}
	sp, bp := rec.Nodes["sports_predictor"], rec.Nodes["betting_prediction"]
	if sp == nil || bp == nil || sp.Status != engine.StatusSuccess || bp.Status != engine.StatusSuccess {
		t.Fatalf("sports_predictor %+v, betting_prediction %+v: want both to succeed", sp, bp)
	}
	if ev, ok := sp.Outputs["evaluation"].([]any); !ok || len(ev) != 0 {
		t.Errorf("evaluation %#v, want an empty list", sp.Outputs["evaluation"])
	}
	if !strings.Contains(sp.Message, "nothing held out") {
		t.Errorf("sports_predictor says %q, want that nothing was held out", sp.Message)
	}
	verdict, _ := bp.Outputs["backtest"].(map[string]any)["verdict"].(string)
	if !strings.HasPrefix(verdict, "nothing to backtest") {
		t.Errorf("backtest verdict %q, want that there is nothing to backtest", verdict)
	}
}

// TestFootballOddsOfAnotherLeague runs pipelines/predict.yaml with an
// odds file of another league: no club pairs, and betting_prediction
// fails saying so (exit 1) rather than backtesting on the few matches a
// chance pairing would give. The league's own odds still make a backtest.
func TestFootballOddsOfAnotherLeague(t *testing.T) {
	dir := t.TempDir()
	ownOdds := leagueCSV(t, dir, []string{"2017-2018", "2018-2019"}, 50)
	withOdds, err := os.ReadFile(ownOdds)
	if err != nil {
		t.Fatal(err)
	}
	var results strings.Builder // the same matches without odds
	for _, line := range strings.Split(strings.TrimSpace(string(withOdds)), "\n") {
		results.WriteString(strings.Join(strings.Split(line, ",")[:6], ",") + "\n")
	}
	data := filepath.Join(dir, "results.csv")
	if err := os.WriteFile(data, []byte(results.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var other strings.Builder
	other.WriteString("season,round,hTeam,aTeam,hScore,aScore,hOdd,dOdd,aOdd\n")
	clubs := []string{"Elche CF", "Girona FC", "Sevilla FC", "Levante UD", "CD Alavés"}
	for h := range clubs {
		for a := range clubs {
			if h != a {
				fmt.Fprintf(&other, "2018-2019,%d,%s,%s,1,0,2.0,3.0,4.0\n", h+1, clubs[h], clubs[a])
			}
		}
	}
	otherOdds := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(otherOdds, []byte(other.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, odds string
		code       int
		want       string
	}{
		{"another league's odds", otherOdds, 1, "other.csv: odds for only 0 of the 50 matches of the evaluation in the seasons the file covers"},
		{"the league's own odds", ownOdds, 0, "backtest: no evidence of an edge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pipe(t, "run", "pipelines/predict.yaml", "--no-web", "--no-cache", "--runs-dir", filepath.Join(dir, "runs"),
				"--sports-model", filepath.Join(dir, "sports.json"), "--set", "DATA="+data, "--set", "ODDS="+tc.odds)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, want %d and %q\nstderr: %s", r.code, tc.code, tc.want, r.stderr)
			}
			if tc.code != 0 && !strings.Contains(r.stderr, "likely another league's odds") {
				t.Errorf("the error does not say the odds are likely another league's:\n%s", r.stderr)
			}
		})
	}
}
