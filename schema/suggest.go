package schema

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate closest to word, or "" when none is close
// enough to be what the user meant ("did you mean").
func Suggest(word string, candidates []string) string {
	best, bestDist := "", len(word)/2+2
	if bestDist > 4 {
		bestDist = 4
	}
	for _, c := range candidates {
		if c == word {
			continue
		}
		if d := levenshtein(word, c, bestDist); d < bestDist && (d < 2 || shareHalf(word, c)) {
			best, bestDist = c, d
		}
	}
	return best
}

// shareHalf reports whether a and b have at least half the letters of the
// shorter in common, case aside: three edits turn NOPE into GOOS, which
// no one meant, and deps into needs, which one may have.
func shareHalf(a, b string) bool {
	counts := map[rune]int{}
	for _, r := range a {
		counts[lower(r)]++
	}
	common := 0
	for _, r := range b {
		if r = lower(r); counts[r] > 0 {
			counts[r]--
			common++
		}
	}
	shorter := min(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	return 2*common >= shorter
}

// DidYouMean formats Suggest's answer as a hint, or "" when there is none.
// A candidate that word starts with, followed by _ (DEPLOY for
// DEPLOY_ENABLED), is suggested when none is close by spelling.
func DidYouMean(word string, candidates []string) string {
	s := Suggest(word, candidates)
	if s == "" {
		for _, c := range candidates {
			if len(c) >= 3 && strings.HasPrefix(word, c+"_") && len(c) > len(s) {
				s = c
			}
		}
	}
	if s != "" {
		return "did you mean " + quote(s) + "?"
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// levenshtein is the edit distance between a and b (case-insensitive
// substitutions cost nothing), giving up once it exceeds limit.
func levenshtein(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if lower(ra[i-1]) == lower(rb[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func lower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// EditDistance is the edit distance between a and b, where a letter's
// case counts as an edit (config keys are case-sensitive), or limit+1 once
// it exceeds limit.
func EditDistance(a, b string, limit int) int {
	d := levenshtein(a, b, limit)
	if d == 0 && a != b {
		return 1
	}
	return d
}
