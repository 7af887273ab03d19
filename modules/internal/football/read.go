package football

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxDownload bounds what Read fetches from a URL.
const MaxDownload = 64 << 20

// Source describes what Read read.
type Source struct {
	Files  []string `json:"files"`
	Layout string   `json:"layout"`
	// OddsColumns names the odds columns used, if any.
	OddsColumns string `json:"odds_columns,omitempty"`
	// BadOdds counts the matches whose odds were given but not usable
	// (not finite, or 1 or less) and were dropped; FirstBadOdds is the
	// first one's file:line.
	BadOdds      int    `json:"bad_odds,omitempty"`
	FirstBadOdds string `json:"first_bad_odds,omitempty"`
	// Duplicates counts the matches read a second time (the same season,
	// date or round, and clubs), which were dropped; FirstDuplicate is
	// the first one's file:line.
	Duplicates     int    `json:"duplicates,omitempty"`
	FirstDuplicate string `json:"first_duplicate,omitempty"`
	// Overlaps says, per pair of files, which matches both hold under
	// other names or dates (a season in two layouts): they are kept, and
	// count twice.
	Overlaps []string `json:"overlaps,omitempty"`
	Matches  int      `json:"matches"`
	Fixtures int      `json:"fixtures"`
}

// Read reads matches from source: a CSV file, a directory of CSV files, a
// glob, or an http(s) URL (downloaded once into cacheDir). Matches come
// back in time order.
func Read(ctx context.Context, source, cacheDir string) ([]Match, Source, error) {
	var files []string
	switch {
	case strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://"):
		path, err := download(ctx, source, cacheDir)
		if err != nil {
			return nil, Source{}, err
		}
		files = []string{path}
	default:
		var err error
		if files, err = expand(source); err != nil {
			return nil, Source{}, err
		}
	}
	var all []Match
	src := Source{Files: files}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, Source{}, err
		}
		ms, layout, oddsCols, err := Parse(f, data)
		if err != nil {
			return nil, Source{}, err
		}
		if src.Layout == "" {
			src.Layout, src.OddsColumns = layout, oddsCols
		}
		all = append(all, ms...)
	}
	Sort(all)
	all, src.Duplicates, src.FirstDuplicate = dedupe(all)
	if len(files) > 1 {
		src.Overlaps = overlaps(all)
	}
	for i := range all {
		if all[i].Played() {
			src.Matches++
		} else {
			src.Fixtures++
		}
		if all[i].BadOdds {
			if src.BadOdds == 0 {
				src.FirstBadOdds = all[i].Source
			}
			src.BadOdds++
		}
	}
	if len(all) == 0 {
		return nil, src, fmt.Errorf("%s: no matches", source)
	}
	return all, src, nil
}

// Sort orders matches by time, keeping the order of matches at the same
// time.
func Sort(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int { return a.When.Compare(b.When) })
}

func expand(source string) ([]string, error) {
	info, err := os.Stat(source)
	switch {
	case err == nil && info.IsDir():
		files, _ := filepath.Glob(filepath.Join(source, "*.csv"))
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .csv files in this directory", source)
		}
		slices.Sort(files)
		return files, nil
	case err == nil:
		return []string{source}, nil
	}
	if strings.ContainsAny(source, "*?[") {
		files, gerr := filepath.Glob(source)
		if gerr != nil {
			return nil, fmt.Errorf("%s: %w", source, gerr)
		}
		if len(files) == 0 {
			return nil, &noMatchError{source}
		}
		slices.Sort(files)
		return files, nil
	}
	return nil, err
}

// noMatchError is a glob that matches no file: a missing file too.
type noMatchError struct{ glob string }

func (e *noMatchError) Error() string        { return e.glob + ": no file matches" }
func (e *noMatchError) Is(target error) bool { return target == fs.ErrNotExist }

// download fetches url into cacheDir once; later calls read the cache.
func download(ctx context.Context, url, cacheDir string) (string, error) {
	sum := sha256.Sum256([]byte(url))
	path := filepath.Join(cacheDir, hex.EncodeToString(sum[:8])+".csv")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("downloading %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownload+1))
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", url, err)
	}
	if len(data) > MaxDownload {
		return "", fmt.Errorf("downloading %s: larger than %d MiB", url, MaxDownload>>20)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(cacheDir, ".download-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(tmp.Name(), path)
}

// The two layouts Parse reads, by the columns they need.
var (
	footballData = []string{"Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"}
	oddsLayout   = []string{"season", "round", "hTeam", "aTeam", "hScore", "aScore"}
	// A fixtures file needs only the teams (a date and odds are optional).
	fixturesLayout = []string{"HomeTeam", "AwayTeam"}
)

// oddsColumns are football-data.co.uk's odds columns, best first: closing
// market averages track the true price most closely.
var oddsColumns = [][3]string{
	{"AvgCH", "AvgCD", "AvgCA"}, {"AvgH", "AvgD", "AvgA"}, {"BbAvH", "BbAvD", "BbAvA"},
	{"PSCH", "PSCD", "PSCA"}, {"PSH", "PSD", "PSA"}, {"B365CH", "B365CD", "B365CA"}, {"B365H", "B365D", "B365A"},
	{"hOdd", "dOdd", "aOdd"},
}

// Parse reads one CSV file of matches. It tells which layout it found and
// which odds columns it used.
func Parse(name string, data []byte) ([]Match, string, string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a spreadsheet's BOM
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, "", "", fmt.Errorf("%s: the file is empty: want a header line (%s, or %s) and a line a match",
			name, strings.Join(footballData, ","), strings.Join(oddsLayout, ","))
	}
	if err != nil {
		return nil, "", "", fmt.Errorf("%s:1: reading the header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	layout := ""
	switch {
	case hasAll(col, footballData):
		layout = "football-data"
	case hasAll(col, oddsLayout):
		layout = "season-round"
	case hasAll(col, fixturesLayout):
		layout = "fixtures"
	default:
		return nil, "", "", fmt.Errorf("%s:1: unknown layout: need columns %s (football-data.co.uk) or %s; missing %s",
			name, strings.Join(footballData, ","), strings.Join(oddsLayout, ","), strings.Join(missing(col, footballData), ","))
	}
	var odds []int
	oddsName := ""
	for _, triple := range oddsColumns {
		if i, ok := col[triple[0]]; ok {
			j, ok2 := col[triple[1]]
			k, ok3 := col[triple[2]]
			if ok2 && ok3 {
				odds, oddsName = []int{i, j, k}, strings.Join(triple[:], ",")
				break
			}
		}
	}
	var out []Match
	line := 1
	for {
		rec, err := r.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, "", "", fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if blank(rec) {
			continue
		}
		m := Match{Source: fmt.Sprintf("%s:%d", name, line)}
		field := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		var perr error
		switch layout {
		case "football-data":
			perr = m.fromFootballData(field)
		case "season-round":
			perr = m.fromSeasonRound(field)
		default:
			perr = m.fromFixture(field)
		}
		if perr != nil {
			return nil, "", "", fmt.Errorf("%s:%d: %w", name, line, perr)
		}
		if odds != nil {
			given := false
			for k, i := range odds {
				if i < len(rec) {
					text := strings.TrimSpace(rec[i])
					given = given || text != ""
					m.Odds[k], _ = strconv.ParseFloat(text, 64)
				}
			}
			if !m.HasOdds() {
				// inf, NaN, 0 or -2 is no price: the match has no odds,
				// as one with empty cells, and Read counts it.
				m.Odds, m.BadOdds = [3]float64{}, given
			}
		}
		out = append(out, m)
	}
	return out, layout, oddsName, nil
}

func (m *Match) fromFootballData(field func(string) string) error {
	t, err := parseDate(field("Date"))
	if err != nil {
		return err
	}
	m.When, m.Dated, m.Season = t, true, SeasonOf(t)
	m.Home, m.Away = field("HomeTeam"), field("AwayTeam")
	return m.goals(field("FTHG"), field("FTAG"))
}

func (m *Match) fromFixture(field func(string) string) error {
	if d := field("Date"); d != "" {
		t, err := parseDate(d)
		if err != nil {
			return err
		}
		m.When, m.Dated, m.Season = t, true, SeasonOf(t)
	}
	m.Home, m.Away = field("HomeTeam"), field("AwayTeam")
	return m.goals("", "")
}

func (m *Match) fromSeasonRound(field func(string) string) error {
	m.Season = field("season")
	start, ok := seasonStart(m.Season)
	if !ok {
		return fmt.Errorf("season %q is not like 2017-2018", m.Season)
	}
	round, err := strconv.Atoi(field("round"))
	if err != nil || round < 0 {
		return fmt.Errorf("round %q is not a number", field("round"))
	}
	m.Round = round
	m.When = start.AddDate(0, 0, 7*max(round-1, 0))
	m.Home, m.Away = field("hTeam"), field("aTeam")
	return m.goals(field("hScore"), field("aScore"))
}

func (m *Match) goals(h, a string) error {
	if m.Home == "" || m.Away == "" {
		return errors.New("a team name is empty")
	}
	if m.Home == m.Away {
		return fmt.Errorf("%s plays itself", m.Home)
	}
	if h == "" && a == "" { // a fixture
		m.HomeGoals, m.AwayGoals = -1, -1
		return nil
	}
	hg, err1 := strconv.Atoi(h)
	ag, err2 := strconv.Atoi(a)
	if err1 != nil || err2 != nil || hg < 0 || ag < 0 {
		return fmt.Errorf("score %q-%q is not two whole numbers", h, a)
	}
	m.HomeGoals, m.AwayGoals = hg, ag
	return nil
}

var dateLayouts = []string{"2006-01-02", "02/01/2006", "02/01/06", "2/1/2006", "2/1/06"}

func parseDate(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q is not yyyy-mm-dd or dd/mm/yy(yy)", s)
}

func hasAll(col map[string]int, names []string) bool { return len(missing(col, names)) == 0 }

func missing(col map[string]int, names []string) []string {
	var out []string
	for _, n := range names {
		if _, ok := col[n]; !ok {
			out = append(out, n)
		}
	}
	return out
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Teams lists the teams in ms, sorted.
func Teams(ms []Match) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for _, t := range []string{m.Home, m.Away} {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(a, b) })
	return out
}

// Closest returns the known team whose name is most like name, for "did
// you mean", by the Dice similarity of their letter pairs ("Man United"
// and "Manchester United", "Synthetic Cty" and "Synthetic City"); "" when
// none is close.
func Closest(name string, teams []string) string {
	q := bigrams(name)
	best, bestScore := "", 0.4
	for _, t := range teams {
		if score := dice(q, bigrams(t)); score > bestScore {
			best, bestScore = t, score
		}
	}
	return best
}

func bigrams(s string) map[string]int {
	r := []rune(strings.ToLower(s))
	out := map[string]int{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])]++
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return max(n, 1)
}
