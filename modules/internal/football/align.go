package football

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// Align maps names from one dataset's clubs to another's, one to one:
// "Manchester United" to "Man United", "1. FC Köln" to "FC Koln". Equal
// names (ignoring case) pair first; then the most similar pairs (see
// similarity), best first, each name used once. A name whose best
// remaining match is under minSimilarity, or shares no telling word with
// it, stays unmapped. On the four leagues of the shared data this pairs
// every club of a season with its own, and no club with one of another
// league.
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

// minSimilarity is the least similarity Align accepts. The lowest right
// pair in the shared data is "SPAL 2013 Ferrara" and "Spal" at 0.32. No
// threshold on letter pairs alone tells other leagues' clubs apart: "Elche
// CF" and "Chelsea" score 0.54, "Girona FC" and "Verona" 0.54; sharing a
// telling word (shareWord) does, and those score 0.
const minSimilarity = 0.3

// similarity scores two club names: 0 when they share no telling word
// (shareWord), else the Dice similarity of their letter pairs, or, when
// higher and the first real words (past "FC", "1." and the like) differ,
// nine tenths of those words': "Wolves" and "Wolverhampton Wanderers"
// share little else. A name that is the other's initials ("QPR") scores
// 0.9.
func similarity(a, b string) float64 {
	switch {
	case abbreviates(a, b) || abbreviates(b, a):
		return 0.9 // no letter pairs to share, and yet the same club
	case !shareWord(a, b):
		return 0
	}
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

// shareWord reports whether two club names share a telling word: the
// same word, one word the start of the other ("Man" and "Manchester",
// "Inter" and "Internazionale"), their first four letters ("Wolves" and
// "Wolverhampton"), or one the end of the other ("M'gladbach" and
// "Mönchengladbach"). Words many clubs have ("FC", "City", "Real",
// "Athletic") tell nothing: "Elche CF" and "Chelsea FC" share letters,
// not a word.
func shareWord(a, b string) bool {
	for _, x := range tellingWords(a) {
		for _, y := range tellingWords(b) {
			if wordsRelated(x, y) {
				return true
			}
		}
	}
	return false
}

func wordsRelated(x, y string) bool {
	if len(x) > len(y) {
		x, y = y, x
	}
	switch {
	case strings.HasPrefix(y, x):
		return true
	case len(x) >= 4 && x[:4] == y[:4]: // bytes: a cut letter cuts both alike
		return true
	case len(x) >= 6 && strings.HasSuffix(y, x):
		return true
	}
	return false
}

// abbreviates reports whether short is the initials of long's words, three
// or more: "QPR" and "Queens Park Rangers".
func abbreviates(short, long string) bool {
	words := strings.FieldsFunc(fold(long), notLetter)
	if len(words) < 3 || len(words) != len([]rune(strings.TrimSpace(short))) {
		return false
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteRune([]rune(w)[0])
	}
	return b.String() == fold(strings.TrimSpace(short))
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// tellingWords are a name's folded words of three letters or more, less
// the ones many clubs share.
func tellingWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(name), notLetter) {
		if len([]rune(w)) >= 3 && !genericWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// genericWords are the words of club names many clubs share, in the
// four leagues of the shared data and beyond: they tell no club apart.
var genericWords = map[string]bool{
	"afc": true, "acf": true, "cfc": true, "ssc": true, "rcd": true, "vfl": true, "vfb": true, "tsg": true, "fsv": true, "msv": true,
	"bsc": true, "spvgg": true, "calcio": true, "club": true, "city": true, "united": true, "town": true, "county": true,
	"athletic": true, "albion": true, "wanderers": true, "rovers": true, "real": true, "sporting": true, "racing": true,
	"borussia": true, "eintracht": true, "fortuna": true, "deportivo": true, "atletico": true, "hotspur": true, "villa": true,
}
