package web_interface

import (
	"encoding/xml"
	"image/color"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"
)

// svgNode is enough of an SVG element tree to check a chart.
type svgNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []svgNode  `xml:",any"`
}

func (n *svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls f on n and every element below it.
func (n *svgNode) walk(f func(*svgNode)) {
	f(n)
	for i := range n.Children {
		n.Children[i].walk(f)
	}
}

var svgElement = regexp.MustCompile(`(?s)<svg[^>]*class="chart"[^>]*>.*?</svg>`)

// checkCharts finds each chart (by id) in a page's DOM and checks it has
// both axes with ticks and a title, a legend naming its series, and data:
// points that say their values, or lines.
func checkCharts(t *testing.T, dom string, ids []string) {
	t.Helper()
	found := map[string]bool{}
	for _, raw := range svgElement.FindAllString(dom, -1) {
		var root svgNode
		if err := xml.Unmarshal([]byte(raw), &root); err != nil {
			t.Errorf("a chart is not well-formed SVG: %v", err)
			continue
		}
		id := root.attr("id")
		found[id] = true
		axes, ticks, legend, titled, lines := map[string]string{}, 0, 0, 0, 0
		root.walk(func(n *svgNode) {
			class := n.attr("class")
			switch {
			case strings.HasPrefix(class, "axis "):
				n.walk(func(c *svgNode) {
					switch c.attr("class") {
					case "axis-label":
						axes[class] = c.Text
					case "tick":
						ticks++
					}
				})
			case class == "legend-label" && n.Text != "":
				legend++
			case class == "point":
				for _, c := range n.Children {
					if c.XMLName.Local == "title" && strings.Contains(c.Text, " = ") {
						titled++
					}
				}
			case class == "line" && n.attr("d") != "":
				lines++
			}
		})
		if axes["axis x-axis"] == "" || axes["axis y-axis"] == "" || ticks < 6 {
			t.Errorf("%s: axes %v with %d ticks; want both titled, with ticks", id, axes, ticks)
		}
		if legend == 0 || titled+lines == 0 {
			t.Errorf("%s: %d legend labels, %d labelled points, %d lines", id, legend, titled, lines)
		}
	}
	for _, id := range ids {
		if !found[id] {
			t.Errorf("no chart %s on the page", id)
		}
	}
}

// pixelsOf counts the pixels of colour c in a PNG.
func pixelsOf(t *testing.T, path string, c color.RGBA) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B {
				n++
			}
		}
	}
	return n
}
