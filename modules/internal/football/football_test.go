package football

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestParseLayouts(t *testing.T) {
	tests := []struct {
		name, csv string
		layout    string
		odds      string
		n         int
		first     Match
		wantErr   string
	}{
		{
			name:   "football-data with odds",
			csv:    "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A,AvgH,AvgD,AvgA\nE0,12/08/2023,Arsenal,Nott'm Forest,2,1,H,1.2,6.5,13,1.21,6.4,12.5\n",
			layout: "football-data", odds: "AvgH,AvgD,AvgA", n: 1,
			first: Match{Season: "2023-2024", Home: "Arsenal", Away: "Nott'm Forest", HomeGoals: 2, AwayGoals: 1, Odds: [3]float64{1.21, 6.4, 12.5}},
		},
		{
			name:   "football-data iso dates, no odds, BOM",
			csv:    "\xef\xbb\xbfDate,HomeTeam,AwayTeam,FTHG,FTAG\n2024-05-19,Man City,West Ham,3,1\n",
			layout: "football-data", n: 1,
			first: Match{Season: "2023-2024", Home: "Man City", Away: "West Ham", HomeGoals: 3, AwayGoals: 1},
		},
		{
			name:   "season/round layout",
			csv:    `"season","round","hTeam","aTeam","hScore","aScore","hOdd","dOdd","aOdd"` + "\n\"2005-2006\",\"1\",\"Everton FC\",\"Manchester United\",0,2,4.8,3.4,1.7\n",
			layout: "season-round", odds: "hOdd,dOdd,aOdd", n: 1,
			first: Match{Season: "2005-2006", Round: 1, Home: "Everton FC", Away: "Manchester United", HomeGoals: 0, AwayGoals: 2, Odds: [3]float64{4.8, 3.4, 1.7}},
		},
		{
			name:   "fixtures without scores",
			csv:    "Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-08-17,Arsenal,Wolves,,\n",
			layout: "football-data", n: 1,
			first: Match{Season: "2024-2025", Home: "Arsenal", Away: "Wolves", HomeGoals: -1, AwayGoals: -1},
		},
		{
			name:   "fixtures file with teams only",
			csv:    "HomeTeam,AwayTeam\nArsenal,Wolves\n",
			layout: "fixtures", n: 1,
			first: Match{Home: "Arsenal", Away: "Wolves", HomeGoals: -1, AwayGoals: -1},
		},
		{name: "missing columns", csv: "Date,Home,Away\n", wantErr: "x.csv:1: unknown layout"},
		{name: "bad score", csv: "Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-01,A,B,2,1\n2024-01-02,A,B,x,1\n", wantErr: "x.csv:3: score"},
		{name: "bad date", csv: "Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024/13/45,A,B,2,1\n", wantErr: "x.csv:2: date"},
		{name: "team plays itself", csv: "Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-01,A,A,2,1\n", wantErr: "x.csv:2: A plays itself"},
		{name: "bad season", csv: "season,round,hTeam,aTeam,hScore,aScore\nlast year,1,A,B,1,1\n", wantErr: "x.csv:2: season"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, layout, odds, err := Parse("x.csv", []byte(tt.csv))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if layout != tt.layout || odds != tt.odds || len(ms) != tt.n {
				t.Fatalf("layout %q odds %q n %d", layout, odds, len(ms))
			}
			got := ms[0]
			got.When, got.Dated, got.Source = time0, false, ""
			if got != tt.first {
				t.Errorf("match %+v, want %+v", got, tt.first)
			}
		})
	}
}

var time0 = Match{}.When

func TestReadDirectoryGlobAndURL(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-02,A,B,1,0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-01,B,A,0,0\n"), 0o644)
	for _, source := range []string{dir, filepath.Join(dir, "*.csv")} {
		ms, src, err := Read(context.Background(), source, t.TempDir())
		if err != nil || len(ms) != 2 || ms[0].Home != "B" || src.Matches != 2 {
			t.Errorf("%s: %v %+v %+v", source, err, ms, src)
		}
	}
	if _, _, err := Read(context.Background(), filepath.Join(dir, "none.csv"), t.TempDir()); err == nil {
		t.Error("a missing file read without error")
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/E0.csv" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("Date,HomeTeam,AwayTeam,FTHG,FTAG\n2024-01-01,A,B,1,2\n"))
	}))
	defer srv.Close()
	cache := t.TempDir()
	for range 2 {
		ms, _, err := Read(context.Background(), srv.URL+"/E0.csv", cache)
		if err != nil || len(ms) != 1 || ms[0].AwayGoals != 2 {
			t.Fatalf("url: %v %+v", err, ms)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("downloaded %d times, want once (then the cache)", hits.Load())
	}
	if _, _, err := Read(context.Background(), srv.URL+"/missing.csv", cache); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing URL: %v", err)
	}
}

func TestSyntheticLeague(t *testing.T) {
	l := NewSyntheticLeague()
	ms := l.Matches()
	if len(ms) != 6*380 {
		t.Fatalf("%d matches, want %d", len(ms), 6*380)
	}
	games := map[[2]string]int{}
	for _, m := range ms[:380] {
		games[[2]string{m.Home, m.Away}]++
		if !m.HasOdds() || !m.Played() {
			t.Fatalf("match without odds or score: %+v", m)
		}
	}
	if len(games) != 380 {
		t.Errorf("a season has %d distinct home-away pairs, want 380 (a double round robin)", len(games))
	}
	if again := NewSyntheticLeague().Matches(); again[100] != ms[100] {
		t.Error("the synthetic league changes from run to run")
	}
	fx := l.Fixtures(1)
	if len(fx) != 10 || fx[0].Played() {
		t.Errorf("fixtures: %d", len(fx))
	}
}

func TestClosest(t *testing.T) {
	teams := []string{"Manchester United", "Manchester City", "Everton FC", "Arsenal"}
	for name, want := range map[string]string{"Man United": "Manchester United", "everton": "Everton FC", "Arsnal": "Arsenal", "Zzz": ""} {
		if got := Closest(name, teams); got != want {
			t.Errorf("Closest(%q) = %q, want %q", name, got, want)
		}
	}
}
