package football

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

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
