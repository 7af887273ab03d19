package football

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Reading a file twice, or a season in two layouts, is told: a match read
// twice exactly is dropped; one read under other club names or dates is
// kept and said to count twice.
func TestReadDuplicatesAndOverlaps(t *testing.T) {
	long := []string{"Manchester United", "Manchester City", "Everton FC", "Arsenal FC"}
	short := []string{"Man United", "Man City", "Everton", "Arsenal"}
	var seasonRound, footballData, otherSeason, dayLater, otherScores, weekLater strings.Builder
	seasonRound.WriteString("season,round,hTeam,aTeam,hScore,aScore,hOdd,dOdd,aOdd\n")
	for _, b := range []*strings.Builder{&footballData, &otherSeason, &dayLater, &otherScores, &weekLater} {
		b.WriteString("Date,HomeTeam,AwayTeam,FTHG,FTAG\n")
	}
	k := 0
	for h := range long {
		for a := range long {
			if h == a {
				continue
			}
			fmt.Fprintf(&seasonRound, "2017-2018,%d,%s,%s,1,0,2.0,3.0,4.0\n", k+1, long[h], long[a])
			fmt.Fprintf(&footballData, "2017-%02d-%02d,%s,%s,1,0\n", 8+k/4, 1+k%4*7, short[h], short[a])
			fmt.Fprintf(&otherSeason, "2018-%02d-%02d,%s,%s,2,2\n", 8+k/4, 1+k%4*7, short[h], short[a])
			// Other spellings: the same games a day later (another time
			// zone), other games on the same days, and a week later.
			fmt.Fprintf(&dayLater, "2017-%02d-%02d,%s,%s,1,0\n", 8+k/4, 2+k%4*7, long[h], long[a])
			fmt.Fprintf(&otherScores, "2017-%02d-%02d,%s,%s,2,2\n", 8+k/4, 1+k%4*7, long[h], long[a])
			fmt.Fprintf(&weekLater, "2017-%02d-%02d,%s,%s,1,0\n", 8+k/4, 8+k%4*7, long[h], long[a])
			k++
		}
	}
	write := func(dir, name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name       string
		files      map[string]string
		matches    int
		duplicates int
		overlap    []string // in the one overlap said; nil: none
	}{
		{"one file", map[string]string{"a.csv": footballData.String()}, 12, 0, nil},
		{"the same file twice", map[string]string{"a.csv": footballData.String(), "b.csv": footballData.String()}, 12, 12, nil},
		{"two seasons, two files", map[string]string{"a.csv": footballData.String(), "b.csv": otherSeason.String()}, 24, 0, nil},
		{"a season in two layouts", map[string]string{"odds.csv": seasonRound.String(), "season-1718.csv": footballData.String()}, 24, 0,
			[]string{"12 match(es) of", "(season 2017-2018)", "count twice", "Man City / Manchester City", "and 1 more", "give one of the files as data"}},
		{"the same games a day apart", map[string]string{"a.csv": footballData.String(), "b.csv": dayLater.String()}, 24, 0,
			[]string{"12 match(es) of", "count twice"}},
		{"the same clubs, other scores", map[string]string{"a.csv": footballData.String(), "b.csv": otherScores.String()}, 24, 0, nil},
		{"the same clubs a week apart", map[string]string{"a.csv": footballData.String(), "b.csv": weekLater.String()}, 24, 0, nil},
		{"layouts of other seasons", map[string]string{"odds.csv": seasonRound.String(), "season-1819.csv": otherSeason.String()}, 24, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				write(dir, name, text)
			}
			ms, src, err := Read(context.Background(), dir, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != tc.matches || src.Matches != tc.matches || src.Duplicates != tc.duplicates {
				t.Errorf("%d matches (source says %d), %d duplicates; want %d, %d", len(ms), src.Matches, src.Duplicates, tc.matches, tc.duplicates)
			}
			if tc.duplicates > 0 && !strings.HasPrefix(src.FirstDuplicate, filepath.Join(dir, "b.csv")+":") {
				t.Errorf("first duplicate at %q, want in b.csv", src.FirstDuplicate)
			}
			if tc.overlap == nil {
				if len(src.Overlaps) > 0 {
					t.Errorf("overlaps %q, want none", src.Overlaps)
				}
				return
			}
			if len(src.Overlaps) != 1 {
				t.Fatalf("overlaps %q, want one", src.Overlaps)
			}
			for _, w := range tc.overlap {
				if !strings.Contains(src.Overlaps[0], w) {
					t.Errorf("overlap %q lacks %q", src.Overlaps[0], w)
				}
			}
		})
	}
}

// An empty file says so, rather than "reading the header: EOF".
func TestReadEmptyFile(t *testing.T) {
	for name, text := range map[string]string{"empty": "", "blank lines": "\n\n", "a BOM alone": "\xef\xbb\xbf"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "empty.csv")
			os.WriteFile(path, []byte(text), 0o644)
			_, _, err := Read(context.Background(), path, t.TempDir())
			if err == nil || !strings.Contains(err.Error(), path+": the file is empty: want a header line") || strings.Contains(err.Error(), "EOF") {
				t.Errorf("error %v, want that the file is empty", err)
			}
		})
	}
}

// On the shared data, several leagues read at once, or a league's seasons
// read together, hold no match twice and say none; a season given in
// both layouts (the odds file beside that season's results) is told.
// Skipped without the data.
func TestOverlapsRealData(t *testing.T) {
	odds, results := filepath.Join(sharedData, "odds"), filepath.Join(sharedData, "results")
	if _, err := os.Stat(odds); err != nil {
		t.Skipf("no real data at %s: skipped", sharedData)
	}
	both := t.TempDir() // links, not copies: the odds file and one season's results
	for _, f := range []string{filepath.Join(odds, "england_premier-league.csv"), filepath.Join(results, "premier-league", "season-1718.csv")} {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(abs, filepath.Join(both, filepath.Base(f))); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, source string
		want         string // "" for no overlap
	}{
		{"the four leagues' odds", odds, ""},
		{"the four leagues' 2019-20 results", filepath.Join(results, "*", "season-1920.csv"), ""},
		{"premier-league's 33 seasons", filepath.Join(results, "premier-league"), ""},
		{"a season in both layouts", both, "380 match(es) of "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, src, err := Read(context.Background(), tc.source, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == "" && len(src.Overlaps) > 0:
				t.Errorf("overlaps said: %q", src.Overlaps)
			case tc.want != "" && (len(src.Overlaps) != 1 || !strings.HasPrefix(src.Overlaps[0], tc.want)):
				t.Errorf("overlaps %q, want one starting %q", src.Overlaps, tc.want)
			}
		})
	}
}
