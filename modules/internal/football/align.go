package football

import (
	"cmp"
	"slices"
	"strings"
)

// Align maps names from one dataset's clubs to another's, one to one:
// "Manchester United" to "Man United", "1. FC Köln" to "FC Koln". Equal
// names (ignoring case) pair first; then the most similar pairs (Dice
// similarity of letter pairs), best first, each name used once. A name
// whose best remaining match is under minSimilarity stays unmapped. On the
// four leagues of the shared data this pairs every club of a season.
func Align(from, to []string) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	lower := map[string]string{}
	for _, t := range to {
		lower[strings.ToLower(t)] = t
	}
	var restFrom []string
	for _, f := range from {
		if t, ok := lower[strings.ToLower(f)]; ok && !used[t] {
			out[f], used[t] = t, true
			continue
		}
		restFrom = append(restFrom, f)
	}
	type pair struct {
		from, to string
		score    float64
	}
	var pairs []pair
	for _, f := range restFrom {
		for _, t := range to {
			if !used[t] {
				pairs = append(pairs, pair{f, t, similarity(f, t)})
			}
		}
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(b.score, a.score) })
	for _, p := range pairs {
		if p.score < minSimilarity {
			break
		}
		if _, done := out[p.from]; done || used[p.to] {
			continue
		}
		out[p.from], used[p.to] = p.to, true
	}
	return out
}

// minSimilarity is the least Dice similarity Align accepts. The lowest
// right pair in the shared data is "SPAL 2013 Ferrara" and "Spal" at 0.32;
// unrelated club names score around 0.1-0.2.
const minSimilarity = 0.3

// similarity scores two club names: the Dice similarity of their letter
// pairs, or, when higher and the first real words (past "FC", "1." and the
// like) differ, nine tenths of those words': "Wolves" and "Wolverhampton
// Wanderers" share little else.
func similarity(a, b string) float64 {
	a, b = fold(a), fold(b)
	whole := dice(bigrams(a), bigrams(b))
	fa, fb := firstWord(a), firstWord(b)
	if fa == "" || fb == "" || fa == fb {
		return whole // a shared first word ("West", "Real") tells clubs apart no better
	}
	return max(whole, 0.9*dice(bigrams(fa), bigrams(fb)))
}

// firstWord is a name's first word of four letters or more.
func firstWord(name string) string {
	for _, w := range strings.Fields(name) {
		if len([]rune(w)) >= 4 {
			return w
		}
	}
	return ""
}

// fold lowers a name and drops the accents the datasets disagree on.
func fold(s string) string {
	return strings.NewReplacer(
		"á", "a", "à", "a", "ä", "a", "â", "a", "ã", "a",
		"é", "e", "è", "e", "ë", "e", "ê", "e",
		"í", "i", "ï", "i", "î", "i",
		"ó", "o", "ö", "o", "ô", "o", "õ", "o",
		"ú", "u", "ü", "u", "û", "u",
		"ñ", "n", "ç", "c", "ß", "ss",
	).Replace(strings.ToLower(s))
}

func dice(a, b map[string]int) float64 {
	shared := 0
	for g, n := range a {
		shared += min(n, b[g])
	}
	if total(a)+total(b) == 0 {
		return 0
	}
	return 2 * float64(shared) / float64(total(a)+total(b))
}

// SeasonYear returns the start year of a "2017-2018" or "2017-18" season.
func SeasonYear(season string) (int, bool) {
	t, ok := seasonStart(season)
	return t.Year(), ok
}
