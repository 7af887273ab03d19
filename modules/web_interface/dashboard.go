package web_interface

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/modules/web_interface/chart"
)

// dashboard is what the page shows beyond the tables: the charts and the
// methods side by side, made once from the metrics and the backtest.
type dashboard struct {
	Calibration, Seasons, Profit, Bankroll template.HTML
	// ...Note says why a chart is missing.
	CalibrationNote, SeasonsNote, BacktestNote string
	Methods                                    []methodRow
	Backtests                                  []backtestRow
	Baselines                                  string
}

// methodRow is one method's held-out log loss (or a yardstick's).
type methodRow struct {
	Name, Note string
	LogLoss    string
	N          string
	Used       bool
}

// backtestRow is one method's backtest figures.
type backtestRow struct {
	Name                           string
	Used                           bool
	Bets, Profit, ROI, CI, HitRate string
	Drawdown, Kelly, KellyDraw     string
}

// methodOrder is how methods are listed: the blend, then its parts.
var methodOrder = []string{"blend", "dixon_coles", "elo"}

// colourOf gives each method one colour on every chart; the market is
// black.
func colourOf(method string) string {
	switch method {
	case "blend":
		return "#0072B2"
	case "dixon_coles":
		return "#D55E00"
	case "elo":
		return "#009E73"
	case "market":
		return "#000000"
	}
	return "#CC79A7"
}

func newDashboard(metrics, backtest map[string]any) *dashboard {
	d := &dashboard{}
	used, _ := metrics["method"].(string)
	methods := mapOf(metrics, "methods")
	names := sortedMethods(methods)
	if len(names) == 0 && used != "" {
		names = []string{used}
	}

	// Held-out log loss, methods side by side with the yardsticks.
	for _, name := range names {
		mm := mapOf(methods, name)
		if mm == nil {
			mm = metrics
		}
		d.Methods = append(d.Methods, methodRow{Name: name, Used: name == used, LogLoss: fixed(mm["log_loss"], 4), N: fixed(mm["n"], 0)})
	}
	market, marketCal := marketOf(metrics, backtest)
	if m := market; m != nil {
		name := "market (de-margined odds)"
		if how, ok := m["margin"].(string); ok {
			name = "market (odds de-margined by " + how + ")"
		}
		d.Methods = append(d.Methods, methodRow{Name: name, LogLoss: fixed(m["log_loss"], 4), N: fixed(m["n"], 0),
			Note: "the model on the same matches: " + fixed(m["model_log_loss_same_matches"], 4)})
	}
	if m := mapOf(metrics, "base_rates"); m != nil {
		d.Methods = append(d.Methods, methodRow{Name: "base rates", LogLoss: fixed(m["log_loss"], 4), N: fixed(metrics["n"], 0)})
	}

	d.Calibration, d.CalibrationNote = calibrationChart(metrics, marketCal, used)
	d.Seasons, d.SeasonsNote = seasonsChart(metrics, mapOf(market, "seasons"), names, used)
	d.backtest(backtest, used)
	return d
}

// marketOf is the market's figures: betting_prediction's when it has them
// (they include odds joined from the odds input, de-margined by the
// rule's method), else those of the predictor's data.
func marketOf(metrics, backtest map[string]any) (market map[string]any, calibration []any) {
	if m := mapOf(backtest, "market"); m != nil {
		return m, listOf(m["calibration"])
	}
	return mapOf(metrics, "market"), listOf(mapOf(metrics, "calibration")["market"])
}

func calibrationChart(metrics map[string]any, market []any, used string) (template.HTML, string) {
	cal := mapOf(metrics, "calibration")
	if cal == nil {
		return "", "No evaluation: nothing held out to draw a calibration plot from."
	}
	bins := map[string][]any{"model": listOf(cal["model"]), "market": market}
	c := &chart.Chart{ID: "calibration-chart", Title: "Calibration: predicted vs observed frequency", XLabel: "predicted probability", YLabel: "observed frequency",
		XRange: [2]float64{0, 1}, YRange: [2]float64{0, 1}, Lines: []chart.Line{{X1: 0, Y1: 0, X2: 1, Y2: 1, Label: "perfectly calibrated"}}}
	note := ""
	for _, who := range []string{"model", "market"} {
		bins := bins[who]
		if len(bins) == 0 {
			note = "The data has no odds: the market's calibration is missing (give ODDS)."
			continue
		}
		s := chart.Series{Name: used + " (model)", Line: true, Points: true, Color: colourOf(used)}
		if who == "market" {
			s.Name, s.Dash, s.Color = "market", true, colourOf("market")
		}
		for _, b := range bins {
			bm, _ := b.(map[string]any)
			s.X, s.Y = append(s.X, num(bm["p"])), append(s.Y, num(bm["observed"]))
			s.Labels = append(s.Labels, "n="+fixed(bm["n"], 0))
		}
		c.Series = append(c.Series, s)
	}
	return c.SVG(), note
}

func seasonsChart(metrics, market map[string]any, names []string, used string) (template.HTML, string) {
	methods := mapOf(metrics, "methods")
	var seasons []string
	collect := func(m map[string]any) {
		for s := range m {
			if !slices.Contains(seasons, s) {
				seasons = append(seasons, s)
			}
		}
	}
	perMethod := map[string]map[string]any{}
	for _, name := range names {
		sm := mapOf(mapOf(methods, name), "seasons")
		if sm == nil && name == used {
			sm = mapOf(metrics, "seasons")
		}
		perMethod[name] = sm
		collect(sm)
	}
	collect(market)
	if len(seasons) == 0 {
		return "", "No evaluation: no held-out season to score."
	}
	slices.Sort(seasons)
	c := &chart.Chart{ID: "seasons-chart", Title: "Log loss per held-out season (lower is better)", XLabel: "season", YLabel: "log loss"}
	for _, s := range seasons {
		c.XCats = append(c.XCats, shortSeason(s))
	}
	line := func(name string, m map[string]any, dash bool, colour string) { // name: a method's label
		s := chart.Series{Name: name, Line: true, Points: true, Dash: dash, Color: colour}
		for i, season := range seasons {
			sm := mapOf(m, season)
			y := math.NaN()
			if sm != nil {
				y = num(sm["log_loss"])
			}
			s.X, s.Y, s.Labels = append(s.X, float64(i)), append(s.Y, y), append(s.Labels, "n="+fixed(mapOf(m, season)["n"], 0))
		}
		c.Series = append(c.Series, s)
	}
	for _, name := range names {
		label := name
		if name == used {
			label += " (used)"
		}
		line(label, perMethod[name], false, colourOf(name))
	}
	note := ""
	if market != nil {
		line("market", market, true, colourOf("market"))
		if len(market) < len(seasons) {
			note = "The market's line covers only the seasons the data has odds for."
		}
	} else {
		note = "The data has no odds: no market line (give ODDS)."
	}
	return c.SVG(), note
}

// backtest fills the backtest's table and charts.
func (d *dashboard) backtest(bt map[string]any, used string) {
	if bt == nil {
		d.BacktestNote = "No backtest: betting_prediction got no evaluation to replay."
		return
	}
	if b := mapOf(bt, "baselines"); b != nil {
		d.Baselines = fmt.Sprintf("Yardsticks on the same matches: backing every outcome %s ROI, always the favourite %s.", signedPct(b["every_outcome_roi"]), signedPct(b["favourite_roi"]))
	}
	methods := mapOf(bt, "methods")
	d.Backtests = append(d.Backtests, backtestRowOf(used, true, bt))
	for _, name := range sortedMethods(methods) {
		if name != used {
			d.Backtests = append(d.Backtests, backtestRowOf(name, false, mapOf(methods, name)))
		}
	}
	path := mapOf(bt, "path")
	if path == nil {
		d.BacktestNote = "No bets in the backtest: nothing to draw."
		if n, _ := bt["matches"].(int); n == 0 {
			d.BacktestNote = "No held-out match has odds: give ODDS (a CSV of odds) to backtest the rule."
		}
		return
	}
	bets := floats(path["bet"])
	profit := &chart.Chart{ID: "profit-chart", Title: "Cumulative profit, 1 unit a bet, with its bootstrap 95% band", XLabel: "bets", YLabel: "profit (units)",
		Bands: []chart.Band{{Name: "95% band (" + used + ")", X: bets, Lo: floats(path["lo"]), Hi: floats(path["hi"]), Color: colourOf(used)}},
		Lines: []chart.Line{{X1: 0, Y1: 0, X2: bets[len(bets)-1], Y2: 0, Label: "break-even"}}}
	profit.Series = append(profit.Series, chart.Series{Name: used + " (used)", X: bets, Y: floats(path["profit"]), Line: true, Color: colourOf(used)})
	start := num(mapOf(bt, "kelly")["start"])
	bankroll := &chart.Chart{ID: "bankroll-chart", Title: "Kelly bankroll over the backtest", XLabel: "bets", YLabel: "bankroll",
		Lines: []chart.Line{{X1: 0, Y1: start, X2: bets[len(bets)-1], Y2: start, Label: "start " + fixed(start, 0)}}}
	bankroll.Series = append(bankroll.Series, chart.Series{Name: used + " (used)", X: bets, Y: floats(path["bankroll"]), Line: true, Color: colourOf(used)})
	for _, name := range sortedMethods(methods) {
		mp := mapOf(mapOf(methods, name), "path")
		if name == used || mp == nil {
			continue
		}
		x := floats(mp["bet"])
		profit.Series = append(profit.Series, chart.Series{Name: name, X: x, Y: floats(mp["profit"]), Line: true, Dash: true, Color: colourOf(name)})
		bankroll.Series = append(bankroll.Series, chart.Series{Name: name, X: x, Y: floats(mp["bankroll"]), Line: true, Dash: true, Color: colourOf(name)})
	}
	for _, s := range listOf(path["seasons"]) {
		sm, _ := s.(map[string]any)
		if b := num(sm["bet"]); b > 1 {
			mark := chart.Mark{X: b, Label: shortSeason(fmt.Sprint(sm["season"]))}
			profit.Marks, bankroll.Marks = append(profit.Marks, mark), append(bankroll.Marks, mark)
		}
	}
	// The end is the figure a reader looks for: written on the chart.
	profit.Series[0].EndLabel, bankroll.Series[0].EndLabel = true, true
	d.Profit, d.Bankroll = profit.SVG(), bankroll.SVG()
}

func backtestRowOf(name string, used bool, bt map[string]any) backtestRow {
	r := backtestRow{Name: name, Used: used, Bets: fixed(bt["bets"], 0), Profit: signed(bt["profit"], 2),
		ROI: signedPct(bt["roi"]), HitRate: pctOf(bt["hit_rate"]), Drawdown: fixed(bt["max_drawdown_units"], 2)}
	if ci := listOf(bt["roi_ci95"]); len(ci) == 2 {
		r.CI = "[" + signedPct(ci[0]) + ", " + signedPct(ci[1]) + "]"
	}
	if k := mapOf(bt, "kelly"); k != nil {
		r.Kelly = fixed(k["start"], 0) + " → " + fixed(k["final"], 2)
		r.KellyDraw = pctOf(k["max_drawdown"])
	}
	return r
}

// sortedMethods lists the methods of a map in methodOrder, others after.
func sortedMethods(m map[string]any) []string {
	var out []string
	for name := range m {
		out = append(out, name)
	}
	slices.SortFunc(out, func(a, b string) int {
		ia, ib := slices.Index(methodOrder, a), slices.Index(methodOrder, b)
		if ia < 0 {
			ia = len(methodOrder)
		}
		if ib < 0 {
			ib = len(methodOrder)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	return out
}

// shortSeason writes "2017-2018" as "2017-18", to fit under an axis.
func shortSeason(s string) string {
	if len(s) == 9 && s[4] == '-' && s[:2] == s[5:7] {
		return s[:5] + s[7:]
	}
	return s
}

func mapOf(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

// num reads a number of a value; NaN when it is none.
func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return math.NaN()
}

func floats(v any) []float64 {
	l := listOf(v)
	out := make([]float64, len(l))
	for i, x := range l {
		out[i] = num(x)
	}
	return out
}

func fixed(v any, dec int) string {
	f := num(v)
	if math.IsNaN(f) {
		return ""
	}
	return fmt.Sprintf("%.*f", dec, f)
}

func signed(v any, dec int) string {
	f := num(v)
	if math.IsNaN(f) {
		return ""
	}
	return fmt.Sprintf("%+.*f", dec, f)
}

func pctOf(v any) string {
	f := num(v)
	if math.IsNaN(f) {
		return ""
	}
	return fmt.Sprintf("%.1f%%", f*100)
}

func signedPct(v any) string {
	f := num(v)
	if math.IsNaN(f) {
		return ""
	}
	return fmt.Sprintf("%+.1f%%", f*100)
}
