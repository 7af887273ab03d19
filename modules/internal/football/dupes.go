package football

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// dedupe drops the matches read a second time (the same season, date or
// round, and clubs: a file given twice, or two files that overlap),
// keeping the first. It returns the matches kept, how many it dropped and
// where the first dropped one was read.
func dedupe(ms []Match) ([]Match, int, string) {
	seen := make(map[string]bool, len(ms))
	out := ms[:0]
	dropped, first := 0, ""
	for _, m := range ms {
		k := m.Key()
		if seen[k] {
			if dropped == 0 {
				first = m.Source
			}
			dropped++
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out, dropped, first
}

// overlaps finds the matches that two files both hold under other
// spellings or dates (the same clubs, as Align pairs them, and score, on
// the same day give or take one, or in the same season where a file has
// no dates): a directory with a season in two layouts (the
// season/round odds file and a football-data results file) has each of
// its matches twice, its clubs named two ways ("Man United", "Manchester
// United"). Clubs are paired per season by Align, as the odds join pairs
// them. It says, per pair of files, what it found; nothing is dropped:
// which file to keep is the user's choice.
func overlaps(ms []Match) []string {
	type fileSeason struct{ file, season string }
	groups := map[fileSeason][]*Match{}
	var files []string
	seasonsOf := map[string][]string{} // season -> files, in reading order
	for i := range ms {
		m := &ms[i]
		file := fileOf(m.Source)
		season := m.Season
		if y, ok := SeasonYear(season); ok {
			season = fmt.Sprintf("%d-%d", y, y+1)
		}
		k := fileSeason{file, season}
		if groups[k] == nil {
			if !slices.Contains(files, file) {
				files = append(files, file)
			}
			seasonsOf[season] = append(seasonsOf[season], file)
		}
		groups[k] = append(groups[k], m)
	}
	type filePair struct{ base, other string }
	type found struct {
		seasons []string
		matches int
		renamed []string
	}
	byPair := map[filePair]*found{}
	var pairs []filePair
	var seasons []string
	for s := range seasonsOf {
		seasons = append(seasons, s)
	}
	slices.Sort(seasons)
	for _, season := range seasons {
		fs := seasonsOf[season]
		for _, other := range fs[1:] {
			base := fs[0]
			baseMs, otherMs := groups[fileSeason{base, season}], groups[fileSeason{other, season}]
			names := Align(Teams(deref(otherMs)), Teams(deref(baseMs)))
			basePairs := map[string][]*Match{}
			for _, m := range baseMs {
				basePairs[m.Home+"|"+m.Away] = append(basePairs[m.Home+"|"+m.Away], m)
			}
			n := 0
			for _, m := range otherMs {
				h, okH := names[m.Home]
				a, okA := names[m.Away]
				if okH && okA && slices.ContainsFunc(basePairs[h+"|"+a], m.sameGame) {
					n++
				}
			}
			if n == 0 {
				continue
			}
			p := filePair{base, other}
			if byPair[p] == nil {
				byPair[p] = &found{}
				pairs = append(pairs, p)
			}
			f := byPair[p]
			f.seasons, f.matches = append(f.seasons, season), f.matches+n
			for from, to := range names {
				if from != to && !slices.Contains(f.renamed, from+" / "+to) {
					f.renamed = append(f.renamed, from+" / "+to)
				}
			}
		}
	}
	var out []string
	for _, p := range pairs {
		f := byPair[p]
		slices.Sort(f.renamed)
		spelled := ""
		if len(f.renamed) > 0 {
			shown := f.renamed[:min(3, len(f.renamed))]
			spelled = fmt.Sprintf("; clubs spelled two ways: %s", strings.Join(shown, ", "))
			if len(f.renamed) > len(shown) {
				spelled += fmt.Sprintf(" and %d more", len(f.renamed)-len(shown))
			}
		}
		out = append(out, fmt.Sprintf("%d match(es) of %s are also in %s (season %s), under other names or dates: they count twice%s; "+
			"give one of the files as data (the other may give odds: betting_prediction's odds input, ODDS in pipelines/predict.yaml)",
			f.matches, p.other, p.base, strings.Join(f.seasons, ", "), spelled))
	}
	return out
}

// sameGame reports whether o, a match between the same clubs (under
// their names in another file), is m read again: the same score, on the
// same day give or take one (time zones), or, where either has no date
// (a season/round layout), in the same season. Two leagues' files, or
// two seasons of a league, share no games: a club that meets the same
// opponent again does it on another day.
func (m *Match) sameGame(o *Match) bool {
	if m.HomeGoals != o.HomeGoals || m.AwayGoals != o.AwayGoals {
		return false
	}
	if !m.Dated || !o.Dated {
		return true // the caller compares matches of one season
	}
	apart := m.When.Sub(o.When)
	return apart <= 24*time.Hour && apart >= -24*time.Hour
}

// fileOf is the file of a "file:line" source.
func fileOf(source string) string {
	if i := strings.LastIndexByte(source, ':'); i > 0 {
		return source[:i]
	}
	return source
}

func deref(ms []*Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		out[i] = *m
	}
	return out
}
