package chart

import (
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden SVG files")

func examples() map[string]*Chart {
	return map[string]*Chart{
		"calibration": {ID: "cal", Title: "Calibration", XLabel: "predicted", YLabel: "observed", XRange: [2]float64{0, 1}, YRange: [2]float64{0, 1},
			Lines: []Line{{0, 0, 1, 1, "perfect"}},
			Series: []Series{
				{Name: "model", X: []float64{0.1, 0.3, 0.5}, Y: []float64{0.12, 0.28, 0.55}, Line: true, Points: true, Labels: []string{"n=10", "n=20", "n=5"}},
				{Name: "market <&>", X: []float64{0.1, 0.3}, Y: []float64{0.1, math.NaN()}, Points: true},
			}},
		"profit": {ID: "profit", Title: "Profit", XLabel: "bet", YLabel: "units",
			Bands:  []Band{{Name: "95% band", X: []float64{1, 2, 3}, Lo: []float64{-3, -4, -6}, Hi: []float64{1, 2, 2.5}}},
			Series: []Series{{Name: "profit", X: []float64{1, 2, 3}, Y: []float64{-1, 0.5, -2}, Line: true, EndLabel: true}},
			Marks:  []Mark{{X: 2, Label: "2018-19"}}},
		"seasons": {ID: "ll", Title: "Log loss", XLabel: "season", YLabel: "log loss", XCats: []string{"2017-18", "2018-19"},
			Series: []Series{{Name: "elo", X: []float64{0, 1}, Y: []float64{0.95, 0.93}, Line: true, Points: true}}},
	}
}

// Each chart is well-formed XML with both axes, their titles, ticks, and
// a hover text naming every point's values; the output is stable.
func TestSVG(t *testing.T) {
	for name, c := range examples() {
		t.Run(name, func(t *testing.T) {
			svg := string(c.SVG())
			if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			for _, want := range []string{`class="axis x-axis"`, `class="axis y-axis"`, `class="tick"`, ">" + c.XLabel + "<", ">" + c.YLabel + "<", `class="legend"`} {
				if !strings.Contains(svg, want) {
					t.Errorf("lacks %s", want)
				}
			}
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "<&>") {
				t.Error("a NaN or an unescaped name reached the SVG")
			}
			golden := filepath.Join("testdata", name+".svg")
			if *update {
				os.WriteFile(golden, []byte(svg+"\n"), 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./modules/web_interface/chart -update)", err)
			}
			if svg+"\n" != string(want) {
				t.Errorf("differs from %s (rerun with -update if the change is meant)", golden)
			}
		})
	}
	cal := string(examples()["calibration"].SVG())
	if !strings.Contains(cal, "<title>model: predicted = 0.3, observed = 0.28 (n=20)</title>") {
		t.Error("a point does not say its values")
	}
	if !strings.Contains(string(examples()["seasons"].SVG()), ">2018-19</text>") {
		t.Error("the categories are not on the x axis")
	}
}

func TestTicks(t *testing.T) {
	for _, r := range [][2]float64{{0, 1}, {-93.5, 12}, {0.88, 1.07}, {1, 760}, {5, 5.0001}} {
		ts := ticks(r, 5)
		if ts[0] > r[0] || ts[len(ts)-1] < r[1] || len(ts) > 12 {
			t.Errorf("ticks %v do not cover %v in a few steps", ts, r)
		}
	}
}
