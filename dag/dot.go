package dag

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pipe-run/pipe/schema"
)

// NodeResult is what a run did with a node, for colouring the graph.
type NodeResult struct {
	Status   string
	Reason   string
	Duration time.Duration
	Attempts int
	// Items are a foreach node's instance keys: their results are under
	// id[key].
	Items []string
}

// DOTOptions adds what the graph alone does not know.
type DOTOptions struct {
	// Dangerous reports whether node i is dangerous (its module says so, or
	// the node does).
	Dangerous func(i int) bool
	// Results colours each node with a run's result, by node id.
	Results map[string]NodeResult
	// Clusters are the sub-pipelines of pipeline nodes (module: pipeline),
	// by node id: each is drawn in a cluster beside its node.
	Clusters map[string]Cluster
}

// Cluster is a pipeline node's sub-pipeline, for drawing.
type Cluster struct {
	Pipeline  *schema.Pipeline
	Graph     *Graph
	Dangerous func(i int) bool
	Clusters  map[string]Cluster
}

var statusColors = map[string]string{
	"success":   "#c8e6c9",
	"error":     "#ffcdd2",
	"skipped":   "#eeeeee",
	"cancelled": "#ffe0b2",
	"running":   "#bbdefb",
	"pending":   "#ffffff",
	"lost":      "#d7ccc8", // its pipe was killed while it ran, or before
}

// WriteDOT draws p's graph in Graphviz DOT. The output is the same, byte for
// byte, every time for the same input: nodes in file order, one rank per
// level, every string escaped.
func WriteDOT(w io.Writer, p *schema.Pipeline, g *Graph, opts DOTOptions) error {
	bw := bufio.NewWriter(w)
	name := p.Name
	if name == "" {
		name = "pipeline"
	}
	fmt.Fprintf(bw, "digraph %s {\n", quoteDOT(name))
	fmt.Fprintf(bw, "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=%s];\n", quoteDOT(graphLabel(p, opts)))
	bw.WriteString("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=11];\n")
	bw.WriteString("  edge [color=\"#555555\"];\n")
	writeBody(bw, "", "  ", p, g, opts)
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeBody writes the nodes and edges of p, their ids prefixed (a
// sub-pipeline's nodes are <node>/<child>), each line indented.
func writeBody(bw *bufio.Writer, prefix, indent string, p *schema.Pipeline, g *Graph, opts DOTOptions) {
	for i, node := range p.Nodes {
		dangerous := node.Dangerous || (opts.Dangerous != nil && opts.Dangerous(i))
		attrs := []string{"label=" + quoteDOT(nodeLabel(node, dangerous, opts.Results))}
		style := "rounded,filled"
		if node.When != "" {
			style += ",dashed"
		}
		if dangerous {
			attrs = append(attrs, `color="#c62828"`, "penwidth=2")
		}
		if r, ok := opts.Results[node.ID]; ok {
			if c, ok := statusColors[r.Status]; ok {
				attrs = append(attrs, "fillcolor="+quoteDOT(c))
			}
			if r.Reason != "" {
				attrs = append(attrs, "tooltip="+quoteDOT(r.Reason))
			}
		}
		if node.Foreach != nil {
			attrs, style = fanAttrs(node, attrs, style, opts.Results)
		}
		if style != "rounded,filled" {
			attrs = append(attrs, "style="+quoteDOT(style))
		}
		if cl, ok := opts.Clusters[node.ID]; ok {
			writeCluster(bw, prefix, node.ID, indent, attrs, cl, opts.Results)
			continue
		}
		fmt.Fprintf(bw, "%s%s [%s];\n", indent, quoteDOT(prefix+node.ID), strings.Join(attrs, ", "))
	}
	for _, i := range g.Order() {
		for _, need := range g.Needs(i) {
			fmt.Fprintf(bw, "%s%s -> %s;\n", indent, quoteDOT(prefix+g.ID(need)), quoteDOT(prefix+g.ID(i)))
		}
	}
	for _, level := range g.Levels() {
		if len(level) < 2 {
			continue
		}
		bw.WriteString(indent + "{ rank=same;")
		for _, i := range level {
			bw.WriteString(" ")
			bw.WriteString(quoteDOT(prefix + g.ID(i)))
			bw.WriteString(";")
		}
		bw.WriteString(" }\n")
	}
}

func graphLabel(p *schema.Pipeline, opts DOTOptions) string {
	label := p.Name
	if p.Description != "" {
		label += "\n" + p.Description
	}
	if len(opts.Results) > 0 {
		counts := map[string]int{}
		for _, r := range opts.Results {
			if len(r.Items) == 0 { // a foreach node counts by its instances
				counts[r.Status]++
			}
		}
		var parts []string
		for _, s := range []string{"success", "error", "skipped", "cancelled", "lost", "running"} {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		label += "\nrun: " + strings.Join(parts, ", ")
	}
	return label
}

func nodeLabel(n *schema.Node, dangerous bool, results map[string]NodeResult) string {
	lines := []string{n.ID}
	if n.Module != n.ID {
		lines = append(lines, "module: "+n.Module)
	}
	if n.When != "" {
		lines = append(lines, "when: "+n.When)
	}
	if dangerous {
		lines = append(lines, "⚠ dangerous")
	}
	if n.Foreach != nil {
		lines = append(lines, fanLine(n, results))
	}
	if r, ok := results[n.ID]; ok {
		status := r.Status
		if r.Duration > 0 {
			status += " in " + r.Duration.Round(time.Millisecond).String()
		}
		if r.Attempts > 1 {
			status += fmt.Sprintf(" (%d attempts)", r.Attempts)
		}
		lines = append(lines, status)
		if r.Reason != "" {
			lines = append(lines, truncate(r.Reason, 60))
		}
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// isNonCharacter reports the code points Unicode keeps out of text
// (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF), which XML does not allow.
func isNonCharacter(r rune) bool {
	return 0xfdd0 <= r && r <= 0xfdef || r&0xfffe == 0xfffe
}

// maxDOTString bounds a quoted string's bytes: Graphviz refuses one past
// 16,384 (a 40 kB error message as a tooltip), and a label that long says
// nothing anyway.
const maxDOTString = 8 << 10

// quoteDOT writes s as a DOT quoted string: quotes and backslashes escaped,
// newlines as DOT's centred line breaks, tabs as spaces. Terminal colour
// codes (a test runner's red FAIL) and other control characters are left
// out, and bytes that are not UTF-8 become U+FFFD: Graphviz stops at a NUL,
// and SVG, which is XML, takes neither. Past maxDOTString bytes it is cut,
// with an ellipsis.
func quoteDOT(s string) string {
	var b strings.Builder
	b.Grow(min(len(s), maxDOTString) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if b.Len() > maxDOTString {
			b.WriteString("…")
			break
		}
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteByte(' ')
		case r == 0x1b:
			i = schema.SkipEscape(s, i)
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case schema.IsUnprintable(r) || isNonCharacter(r):
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
