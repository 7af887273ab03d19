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
	var seasonRound, footballData, otherSeason strings.Builder
	seasonRound.WriteString("season,round,hTeam,aTeam,hScore,aScore,hOdd,dOdd,aOdd\n")
	footballData.WriteString("Date,HomeTeam,AwayTeam,FTHG,FTAG\n")
	otherSeason.WriteString("Date,HomeTeam,AwayTeam,FTHG,FTAG\n")
	k := 0
	for h := range long {
		for a := range long {
			if h == a {
				continue
			}
			fmt.Fprintf(&seasonRound, "2017-2018,%d,%s,%s,1,0,2.0,3.0,4.0\n", k+1, long[h], long[a])
			fmt.Fprintf(&footballData, "2017-%02d-%02d,%s,%s,1,0\n", 8+k/4, 1+k%4*7, short[h], short[a])
			fmt.Fprintf(&otherSeason, "2018-%02d-%02d,%s,%s,2,2\n", 8+k/4, 1+k%4*7, short[h], short[a])
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
