package football

import (
	"fmt"
	"slices"
	"time"
)

// minSummerBreak is the least gap between two match days that can be the
// break between two seasons. International breaks last about two weeks;
// a summer break two months or more, and the shortest on record, after the
// 2019-20 season restarted in June 2020, seven weeks (Premier League, 26
// July to 12 September).
const minSummerBreak = 28 * 24 * time.Hour

// AssignSeasons names the season of every dated match by its league's
// calendar, not by a fixed day: the 2019-20 seasons ended in July and
// August 2020, and a 1 July cut put their last matches in 2020-21 (and
// counted them twice). A league is the matches whose clubs meet, directly
// or through others: a directory of several leagues' files holds several,
// each with its own calendar. In each league and year, a season starts
// after the longest break between match days that starts from May to
// October, when it lasts minSummerBreak or more; else after a break of
// that length that started earlier and ends from July to October (a
// season stopped early, or missing from the data); else with the league's
// first match if that falls from May to October; a season ends with the
// league's last match if that does; and else on 1 July (SeasonOf).
// Undated matches keep the season their source names.
func AssignSeasons(ms []Match) {
	for _, league := range leagues(ms) {
		var days []time.Time
		for _, i := range league {
			days = append(days, ms[i].When.Truncate(24*time.Hour))
		}
		slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
		days = slices.CompactFunc(days, time.Time.Equal)
		starts := map[int]time.Time{} // year -> the first day of the season starting that year
		for _, i := range league {
			m := &ms[i]
			y := m.When.Year()
			start, ok := starts[y]
			if !ok {
				start = seasonStartIn(days, y)
				starts[y] = start
			}
			if m.When.Before(start) {
				y--
			}
			m.Season = fmt.Sprintf("%d-%d", y, y+1)
		}
	}
}

// seasonStartIn returns the day the season starting in year y starts, by
// the match days of a league (sorted, distinct): see AssignSeasons.
func seasonStartIn(days []time.Time, y int) time.Time {
	from := time.Date(y, time.May, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(y, time.November, 1, 0, 0, 0, 0, time.UTC)
	inWindow := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	// after is the first day after the longest break that starts in the
	// window; into, after the longest that starts before it and ends from
	// July: a season stopped early (France, March 2020) or missing from
	// the data. A break that ends before July is a season's pause (the
	// spring 2020 stop, resumed from mid-May to June).
	var after, into time.Time
	var afterGap, intoGap time.Duration
	july := time.Date(y, time.July, 1, 0, 0, 0, 0, time.UTC)
	for k := 1; k < len(days); k++ {
		last, next := days[k-1], days[k]
		switch {
		case inWindow(last):
			if gap := earlier(next, to).Sub(last); gap > afterGap {
				after, afterGap = earlier(next, to), gap
			}
		case inWindow(next) && !next.Before(july):
			if gap := next.Sub(last); gap > intoGap {
				into, intoGap = next, gap
			}
		}
	}
	first, last := days[0], days[len(days)-1]
	switch {
	case afterGap >= minSummerBreak:
		return after
	case intoGap >= minSummerBreak:
		return into
	case inWindow(first) && inWindow(last):
		// A league's data within one summer: nothing tells.
	case inWindow(first):
		return first
	case inWindow(last):
		return to
	}
	return july
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// leagues groups the dated matches of ms, by index, into leagues: the
// matches whose clubs are linked by matches between them.
func leagues(ms []Match) [][]int {
	parent := map[string]string{}
	find := func(c string) string {
		for parent[c] != c {
			parent[c] = parent[parent[c]]
			c = parent[c]
		}
		return c
	}
	for i := range ms {
		if !ms[i].Dated {
			continue
		}
		for _, c := range []string{ms[i].Home, ms[i].Away} {
			if _, ok := parent[c]; !ok {
				parent[c] = c
			}
		}
		if a, b := find(ms[i].Home), find(ms[i].Away); a != b {
			parent[a] = b
		}
	}
	byRoot := map[string]int{}
	var out [][]int
	for i := range ms {
		if !ms[i].Dated {
			continue
		}
		root := find(ms[i].Home)
		k, ok := byRoot[root]
		if !ok {
			k = len(out)
			byRoot[root] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], i)
	}
	return out
}

// AssignSeasonsBeside names the seasons of extra's dated matches (fixtures
// given apart from the data) by the calendar of data's leagues, extra's
// dates included: a fixture of late July 2020 is in 2019-20 when the data
// shows its league playing until August. data is left as it is.
func AssignSeasonsBeside(data, extra []Match) {
	all := append(slices.Clone(data), extra...)
	AssignSeasons(all)
	for i := range extra {
		extra[i].Season = all[len(data)+i].Season
	}
}
