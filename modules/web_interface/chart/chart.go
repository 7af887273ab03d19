// Package chart draws small line and scatter charts as inline SVG, on the
// server: axes with ticks and titles, lines, points that name their values
// (an SVG <title> a browser shows on hover, and data-x/data-y), bands, and
// reference lines. A dashboard that must work offline gets its charts
// without a script or a CDN, and without a plotting library's weight.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is a set of points drawn as a line, as points, or both.
type Series struct {
	Name   string
	X, Y   []float64
	Line   bool
	Points bool
	Dash   bool
	Color  string   // "" takes the next colour of the palette
	Labels []string // optional, per point: said beside its values on hover
	// EndLabel writes the last point's value beside it, for the figure a
	// reader looks for (where a path ends).
	EndLabel bool
}

// Band is a shaded interval around a series (Lo to Hi at each X).
type Band struct {
	Name      string
	X, Lo, Hi []float64
	Color     string
}

// Line is a reference line in data coordinates (the diagonal of a
// calibration plot, a zero line).
type Line struct {
	X1, Y1, X2, Y2 float64
	Label          string
}

// Mark is a labelled vertical line at X (where a season starts).
type Mark struct {
	X     float64
	Label string
}

// Chart is one chart. With XCats, X values are indexes into it and the
// x axis names the categories.
type Chart struct {
	ID, Title      string
	XLabel, YLabel string
	XCats          []string
	Series         []Series
	Bands          []Band
	Lines          []Line
	Marks          []Mark
	// XRange and YRange fix an axis (both ends zero: fitted to the data).
	XRange, YRange [2]float64
}

// The palette: distinct for the common kinds of colour blindness (Okabe
// and Ito's).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

const (
	width, height          = 680, 360
	left, right, top, bott = 62, 150, 34, 58
)

// SVG renders the chart.
func (c *Chart) SVG() template.HTML {
	xr, yr := c.ranges()
	xt, yt := ticks(xr, 6), ticks(yr, 5)
	if len(c.XCats) > 0 {
		xt = xt[:0]
		for i := range c.XCats {
			xt = append(xt, float64(i))
		}
	} else if c.XRange == [2]float64{} {
		xr = [2]float64{min(xr[0], xt[0]), max(xr[1], xt[len(xt)-1])}
	}
	if c.YRange == [2]float64{} {
		yr = [2]float64{min(yr[0], yt[0]), max(yr[1], yt[len(yt)-1])}
	}
	pw, ph := float64(width-left-right), float64(height-top-bott)
	px := func(x float64) float64 { return left + (x-xr[0])/(xr[1]-xr[0])*pw }
	py := func(y float64) float64 { return top + ph - (y-yr[0])/(yr[1]-yr[0])*ph }
	var b strings.Builder
	id := html.EscapeString(c.ID)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title">`, id, width, height, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, html.EscapeString(c.Title))
	fmt.Fprintf(&b, `<text class="chart-title" x="%d" y="20" font-size="14" font-weight="600">%s</text>`, left, html.EscapeString(c.Title))

	// Axes: grid lines, ticks with their values, and the axis titles.
	b.WriteString(`<g class="axis y-axis" font-size="11">`)
	for _, v := range yt {
		if v < yr[0]-1e-9 || v > yr[1]+1e-9 {
			continue
		}
		y := py(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s" stroke="#e5e5e5"/>`, f(left), f(left+pw), f(y), f(y))
		fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, f(left-6), f(y), tickText(v, yt))
	}
	fmt.Fprintf(&b, `<line class="axis-line" x1="%d" x2="%d" y1="%d" y2="%s" stroke="#444"/>`, left, left, top, f(top+ph))
	fmt.Fprintf(&b, `<text class="axis-label" transform="translate(16 %s) rotate(-90)" text-anchor="middle" font-size="12">%s</text></g>`, f(top+ph/2), html.EscapeString(c.YLabel))
	b.WriteString(`<g class="axis x-axis" font-size="11">`)
	rotate := len(c.XCats) > 6
	for i, v := range xt {
		label := tickText(v, xt)
		if len(c.XCats) > 0 {
			label = html.EscapeString(c.XCats[i])
		}
		if v < xr[0]-1e-9 || v > xr[1]+1e-9 {
			continue
		}
		x := px(v)
		fmt.Fprintf(&b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#444"/>`, f(x), f(x), f(top+ph), f(top+ph+4))
		if rotate {
			fmt.Fprintf(&b, `<text class="tick" transform="translate(%s %s) rotate(-35)" text-anchor="end">%s</text>`, f(x+3), f(top+ph+14), label)
		} else {
			fmt.Fprintf(&b, `<text class="tick" x="%s" y="%s" text-anchor="middle">%s</text>`, f(x), f(top+ph+16), label)
		}
	}
	fmt.Fprintf(&b, `<line class="axis-line" x1="%d" x2="%s" y1="%s" y2="%s" stroke="#444"/>`, left, f(left+pw), f(top+ph), f(top+ph))
	fmt.Fprintf(&b, `<text class="axis-label" x="%s" y="%d" text-anchor="middle" font-size="12">%s</text></g>`, f(left+pw/2), height-6, html.EscapeString(c.XLabel))

	var legend []legendItem
	colour := colours()
	for _, band := range c.Bands {
		col := pick(band.Color, colour)
		var d strings.Builder
		for i := range band.X {
			fmt.Fprintf(&d, "%s%s,%s", cmd(i), f(px(band.X[i])), f(py(clamp(band.Hi[i], yr))))
		}
		for i := len(band.X) - 1; i >= 0; i-- {
			fmt.Fprintf(&d, "L%s,%s", f(px(band.X[i])), f(py(clamp(band.Lo[i], yr))))
		}
		fmt.Fprintf(&b, `<g class="band" data-series="%s"><path d="%sZ" fill="%s" fill-opacity="0.18" stroke="none"><title>%s</title></path></g>`,
			html.EscapeString(band.Name), d.String(), col, html.EscapeString(band.Name))
		legend = append(legend, legendItem{band.Name, col, "band"})
	}
	for _, l := range c.Lines {
		fmt.Fprintf(&b, `<g class="reference"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888" stroke-dasharray="4 3"><title>%s</title></line></g>`,
			f(px(l.X1)), f(py(l.Y1)), f(px(l.X2)), f(py(l.Y2)), html.EscapeString(l.Label))
		if l.Label != "" {
			legend = append(legend, legendItem{l.Label, "#888", "reference"})
		}
	}
	for _, m := range c.Marks {
		x := px(m.X)
		fmt.Fprintf(&b, `<g class="mark"><line x1="%s" x2="%s" y1="%d" y2="%s" stroke="#bbb" stroke-dasharray="2 3"/><text x="%s" y="%d" font-size="10" fill="#666">%s</text></g>`,
			f(x), f(x), top, f(top+ph), f(x+3), top+10, html.EscapeString(m.Label))
	}
	for _, s := range c.Series {
		col := pick(s.Color, colour)
		fmt.Fprintf(&b, `<g class="series" data-series="%s">`, html.EscapeString(s.Name))
		if s.Line {
			var d strings.Builder
			n := 0
			for i := range s.X {
				if finite(s.X[i], s.Y[i]) {
					fmt.Fprintf(&d, "%s%s,%s", cmd(n), f(px(s.X[i])), f(py(s.Y[i])))
					n++
				}
			}
			dash := ""
			if s.Dash {
				dash = ` stroke-dasharray="6 4"`
			}
			fmt.Fprintf(&b, `<path class="line" d="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, d.String(), col, dash)
		}
		if s.Points {
			for i := range s.X {
				if !finite(s.X[i], s.Y[i]) {
					continue
				}
				fmt.Fprintf(&b, `<circle class="point" cx="%s" cy="%s" r="3.5" fill="%s" data-x="%s" data-y="%s"><title>%s</title></circle>`,
					f(px(s.X[i])), f(py(s.Y[i])), col, num(s.X[i]), num(s.Y[i]), html.EscapeString(c.pointText(s, i)))
			}
		}
		if s.EndLabel {
			for i := len(s.X) - 1; i >= 0; i-- {
				if finite(s.X[i], s.Y[i]) {
					fmt.Fprintf(&b, `<text class="end-label" x="%s" y="%s" text-anchor="end" font-size="11" fill="%s">%s</text>`,
						f(px(s.X[i])), f(py(s.Y[i])-7), col, num(s.Y[i]))
					break
				}
			}
		}
		b.WriteString(`</g>`)
		legend = append(legend, legendItem{s.Name, col, "series"})
	}
	writeLegend(&b, legend, left+int(pw)+12)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above is escaped
}

type legendItem struct{ name, colour, kind string }

func writeLegend(b *strings.Builder, items []legendItem, x int) {
	b.WriteString(`<g class="legend" font-size="11">`)
	for i, it := range items {
		y := top + 8 + i*18
		switch it.kind {
		case "band":
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="16" height="10" fill="%s" fill-opacity="0.3"/>`, x, y-5, it.colour)
		case "reference":
			fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-dasharray="4 3"/>`, x, x+16, y, y, it.colour)
		default:
			fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2"/>`, x, x+16, y, y, it.colour)
		}
		fmt.Fprintf(b, `<text class="legend-label" x="%d" y="%d" dominant-baseline="middle">%s</text>`, x+22, y, html.EscapeString(it.name))
	}
	b.WriteString(`</g>`)
}

// pointText is what a point says on hover: its series, x (or category),
// y and label.
func (c *Chart) pointText(s Series, i int) string {
	x := num(s.X[i])
	if k := int(s.X[i]); len(c.XCats) > 0 && k >= 0 && k < len(c.XCats) {
		x = c.XCats[k]
	}
	text := fmt.Sprintf("%s: %s = %s, %s = %s", s.Name, c.XLabel, x, c.YLabel, num(s.Y[i]))
	if i < len(s.Labels) && s.Labels[i] != "" {
		text += " (" + s.Labels[i] + ")"
	}
	return text
}

// ranges are the data's extent, or the fixed ranges.
func (c *Chart) ranges() (xr, yr [2]float64) {
	xr, yr = [2]float64{math.Inf(1), math.Inf(-1)}, [2]float64{math.Inf(1), math.Inf(-1)}
	grow := func(r *[2]float64, vs ...float64) {
		for _, v := range vs {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				r[0], r[1] = min(r[0], v), max(r[1], v)
			}
		}
	}
	for _, s := range c.Series {
		grow(&xr, s.X...)
		grow(&yr, s.Y...)
	}
	for _, band := range c.Bands {
		grow(&xr, band.X...)
		grow(&yr, band.Lo...)
		grow(&yr, band.Hi...)
	}
	for _, l := range c.Lines {
		grow(&xr, l.X1, l.X2)
		grow(&yr, l.Y1, l.Y2)
	}
	if len(c.XCats) > 0 {
		xr = [2]float64{-0.5, float64(len(c.XCats)) - 0.5}
	}
	if c.XRange != [2]float64{} {
		xr = c.XRange
	}
	if c.YRange != [2]float64{} {
		yr = c.YRange
	}
	for _, r := range []*[2]float64{&xr, &yr} {
		if r[0] > r[1] { // no data
			r[0], r[1] = 0, 1
		}
		if r[0] == r[1] {
			r[0], r[1] = r[0]-1, r[1]+1
		}
	}
	return xr, yr
}

// ticks are about n round values (1, 2 or 5 times a power of ten apart)
// covering r; for categories, see SVG.
func ticks(r [2]float64, n int) []float64 {
	step := niceStep((r[1] - r[0]) / float64(n))
	var out []float64
	for v := math.Floor(r[0]/step) * step; v <= r[1]+step*0.999; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// tickText writes a tick with as many decimals as the step needs.
func tickText(v float64, ticks []float64) string {
	dec := 0
	if len(ticks) > 1 {
		dec = max(0, int(-math.Floor(math.Log10(ticks[1]-ticks[0])+1e-9)))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

func colours() func() string {
	i := 0
	return func() string { c := palette[i%len(palette)]; i++; return c }
}

func pick(c string, next func() string) string {
	if c != "" {
		return html.EscapeString(c)
	}
	return next()
}

func cmd(i int) string {
	if i == 0 {
		return "M"
	}
	return "L"
}

func clamp(v float64, r [2]float64) float64 { return max(r[0], min(r[1], v)) }

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func f(v float64) string   { return strconv.FormatFloat(v, 'f', 1, 64) }
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
