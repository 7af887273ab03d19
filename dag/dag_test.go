package dag_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/dag"
	"github.com/pipe-run/pipe/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

func build(t *testing.T, src string) (*schema.Pipeline, *dag.Graph, schema.Diagnostics) {
	t.Helper()
	p, diags := schema.Parse("test.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatalf("parse: %v", diags)
	}
	g, diags := dag.Build(p)
	return p, g, diags
}

func ids(g *dag.Graph, nodes []int) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = g.ID(n)
	}
	return out
}

func TestOrderAndLevels(t *testing.T) {
	_, g, diags := build(t, `
nodes:
  serve: {needs: [price, fit]}
  price: {needs: fit}
  fit: {}
  report: {}
`)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	if got, want := ids(g, g.Order()), []string{"fit", "report", "price", "serve"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	var levels []string
	for _, l := range g.Levels() {
		levels = append(levels, strings.Join(ids(g, l), ","))
	}
	if got, want := strings.Join(levels, " | "), "fit,report | price | serve"; got != want {
		t.Errorf("levels %q, want %q", got, want)
	}
	serve, _ := g.Index("serve")
	fit, _ := g.Index("fit")
	report, _ := g.Index("report")
	if !g.IsAncestor(fit, serve) || g.IsAncestor(serve, fit) || g.IsAncestor(report, serve) {
		t.Error("IsAncestor is wrong")
	}
	if up := g.Upstream([]int{serve}); up[report] || !up[fit] {
		t.Errorf("upstream of serve = %v", up)
	}
	if down := g.Downstream([]int{fit}); !down[serve] || down[report] {
		t.Errorf("downstream of fit = %v", down)
	}
}

func TestCriticalPath(t *testing.T) {
	_, g, _ := build(t, `
nodes:
  a: {}
  b: {needs: a}
  c: {needs: a}
  d: {needs: [b, c]}
`)
	weights := map[string]time.Duration{"a": 1, "b": 5, "c": 2, "d": 1}
	path, total := g.CriticalPath(func(i int) time.Duration { return weights[g.ID(i)] })
	if got := strings.Join(ids(g, path), ">"); got != "a>b>d" || total != 7 {
		t.Errorf("critical path %s (%d), want a>b>d (7)", got, total)
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"nodes:\n  a: {needs: a}\n", []string{"test.yaml:2:14: cycle: a -> a"}},
		{"nodes:\n  a: {needs: b}\n  b: {needs: a}\n", []string{"test.yaml:2:14: cycle: a -> b -> a"}},
		// The cycle is named from its first node in the file, whatever the
		// order of the needs.
		{"nodes:\n  x: {}\n  c: {needs: b}\n  a: {needs: c}\n  b: {needs: [x, a]}\n  d: {needs: a}\n", []string{"test.yaml:3:14: cycle: c -> b -> a -> c"}},
		{"nodes:\n  a: {needs: b}\n  b: {needs: a}\n  c: {needs: d}\n  d: {needs: c}\n", []string{"test.yaml:2:14: cycle: a -> b -> a", "test.yaml:4:14: cycle: c -> d -> c"}},
	}
	for _, tt := range tests {
		for range 10 { // map order inside the library must not matter
			_, _, diags := build(t, tt.src)
			var got []string
			for _, d := range diags {
				got = append(got, d.Error())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("%q:\n got %q\nwant %q", tt.src, got, tt.want)
			}
		}
	}
}

func TestDOTGolden(t *testing.T) {
	files, _ := filepath.Glob("../testdata/dot/*.yaml")
	if len(files) == 0 {
		t.Fatal("no DOT fixtures")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p, err := schema.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			g, diags := dag.Build(p)
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			var first string
			for k := range 5 { // byte for byte the same every time
				var b strings.Builder
				results := map[string]dag.NodeResult{}
				if strings.Contains(file, "predict") {
					results = map[string]dag.NodeResult{
						"fit":     {Status: "success", Duration: 1500 * time.Millisecond, Attempts: 2},
						"stake":   {Status: "skipped", Reason: `dangerous module disabled: "set" it`},
						"summary": {Status: "error", Reason: "failed"},
					}
				}
				if err := dag.WriteDOT(&b, p, g, dag.DOTOptions{Results: results}); err != nil {
					t.Fatal(err)
				}
				if k == 0 {
					first = b.String()
				} else if b.String() != first {
					t.Fatal("DOT output changed between runs")
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".dot"
			if *update {
				os.WriteFile(golden, []byte(first), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -update creates it)", err)
			}
			if first != string(want) {
				t.Errorf("DOT differs from %s (go test -update rewrites it):\n%s", golden, first)
			}
		})
	}
}

func TestLargeGraphs(t *testing.T) {
	// A 100,000-node chain and a wide graph: everything stays linear (the
	// library's TopologicalSort would need tens of GB here).
	for _, shape := range []string{"chain", "wide"} {
		var b strings.Builder
		b.WriteString("nodes:\n")
		n := 100_000
		for i := range n {
			if shape == "chain" && i > 0 {
				fmt.Fprintf(&b, "  n%d: {needs: n%d}\n", i, i-1)
			} else {
				fmt.Fprintf(&b, "  n%d: {}\n", i)
			}
		}
		_, g, diags := build(t, b.String())
		if len(diags) > 0 {
			t.Fatal(diags[0])
		}
		if len(g.Order()) != n {
			t.Fatalf("%s: ordered %d of %d nodes", shape, len(g.Order()), n)
		}
		last, _ := g.Index(fmt.Sprintf("n%d", n-1))
		if shape == "chain" && (g.Level(last) != n-1 || !g.IsAncestor(0, last)) {
			t.Errorf("chain: level %d", g.Level(last))
		}
	}
}
