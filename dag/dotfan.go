package dag

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// A foreach node is drawn as one stacked node (a 3-D box) with its count
// of instances; with a run whose instances ended differently, in stripes,
// one colour per way they ended, as wide as their share.

// fanLine is the line of a foreach node's label that says what it fans
// out over: ×N, or the expression while N is known only at run time.
func fanLine(n *schema.Node, results map[string]NodeResult) string {
	if r, ok := results[n.ID]; ok && len(r.Items) > 0 {
		return fmt.Sprintf("foreach ×%d", len(r.Items))
	}
	switch v := n.Foreach.Value.(type) {
	case []any:
		return fmt.Sprintf("foreach ×%d", len(v))
	case map[string]any:
		return fmt.Sprintf("foreach ×%d", len(v))
	}
	if n.Foreach.Expr != nil {
		return "foreach: " + truncate(strings.TrimSpace(n.Foreach.Expr.Text), 60)
	}
	return "foreach"
}

// fanAttrs adds a foreach node's shape, and its stripes when its instances
// ended in more than one way.
func fanAttrs(n *schema.Node, attrs []string, style string, results map[string]NodeResult) ([]string, string) {
	r, ok := results[n.ID]
	if !ok || len(r.Items) == 0 {
		return append(attrs, "shape=box3d"), style
	}
	counts := map[string]int{}
	for _, key := range r.Items {
		counts[results[n.ID+"["+key+"]"].Status]++
	}
	var stripes []string
	for _, s := range []string{"success", "error", "cancelled", "skipped", "running", "pending", "lost"} {
		if c := counts[s]; c > 0 {
			stripes = append(stripes, fmt.Sprintf("%s;%.3f", statusColors[s], float64(c)/float64(len(r.Items))))
		}
	}
	if len(stripes) < 2 {
		return append(attrs, "shape=box3d"), style
	}
	// Stripes are drawn in rectangles only: a double border says stacked.
	out := attrs[:0]
	for _, a := range attrs {
		if !strings.HasPrefix(a, "fillcolor=") { // the stripes replace it
			out = append(out, a)
		}
	}
	return append(out, "peripheries=2", "fillcolor="+quoteDOT(strings.Join(stripes, ":"))), "filled,striped"
}

// writeCluster draws pipeline node (its DOT id prefix+node) in a cluster with its sub-pipeline's
// nodes, <id>/<child>, coloured by results under that prefix; dashed
// lines lead from the node to the sub-pipeline's first nodes. (A foreach
// pipeline node's instances are id[key]/<child>: its cluster is drawn
// once, uncoloured.)
func writeCluster(bw *bufio.Writer, prefix, node, indent string, attrs []string, cl Cluster, results map[string]NodeResult) {
	id := prefix + node
	fmt.Fprintf(bw, "%ssubgraph %s {\n", indent, quoteDOT("cluster_"+id))
	label := cl.Pipeline.Name
	if label == "" {
		label = "pipeline"
	}
	inner := indent + "  "
	fmt.Fprintf(bw, "%sgraph [label=%s, style=\"rounded,dashed\", color=\"#888888\"];\n", inner, quoteDOT(label))
	fmt.Fprintf(bw, "%s%s [%s];\n", inner, quoteDOT(id), strings.Join(attrs, ", "))
	var sub map[string]NodeResult
	for key, r := range results {
		if child, ok := strings.CutPrefix(key, node+"/"); ok {
			if sub == nil {
				sub = map[string]NodeResult{}
			}
			sub[child] = r
		}
	}
	writeBody(bw, id+"/", inner, cl.Pipeline, cl.Graph, DOTOptions{Dangerous: cl.Dangerous, Results: sub, Clusters: cl.Clusters})
	for i := range cl.Pipeline.Nodes {
		if len(cl.Graph.Needs(i)) == 0 {
			fmt.Fprintf(bw, "%s%s -> %s [style=dashed, arrowhead=none];\n", inner, quoteDOT(id), quoteDOT(id+"/"+cl.Graph.ID(i)))
		}
	}
	fmt.Fprintf(bw, "%s}\n", indent)
}
