package dag

import (
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
