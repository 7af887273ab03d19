package engine

import (
	"fmt"
	"strings"
)

// Tolerated ends the reason of a node that failed under continue_on_error.
// It is added after secrets are masked, so that a secret that happens to
// be a word of it never hides it (Tolerated relies on it).
const Tolerated = "continue_on_error lets the run go on"

// ToleratedLabel names, where nodes are counted by how they ended, the
// failures continue_on_error let the run go past: "3 success, 1 tolerated
// error". Their status stays error (the record's, and `nodes.X.status`).
const ToleratedLabel = "tolerated error"

// Tolerated reports whether the node failed and continue_on_error let
// the run go on.
func (n *NodeRecord) Tolerated() bool {
	return n.Status == StatusError && strings.HasSuffix(n.Reason, Tolerated)
}

// tolerate ends the (masked) reason of a node that failed under
// continue_on_error with Tolerated.
func tolerate(reason string) string {
	if reason == "" {
		return "failed; " + Tolerated
	}
	return reason + "; " + Tolerated
}

// countOrder is the order nodes are counted in, by how they ended.
var countOrder = []Status{StatusRunning, StatusPending, StatusSuccess, StatusError, StatusSkipped, StatusCancelled, StatusLost}

// CountsText says how many nodes ended how, "2 success, 1 error, 1
// tolerated error, 1 skipped", "" when there are none. tolerated is how
// many of counts[StatusError] continue_on_error let the run go past: they
// are counted apart, as the run did not fail for them.
func CountsText(counts map[Status]int, tolerated int) string {
	var parts []string
	for _, s := range countOrder {
		n := counts[s]
		if s == StatusError {
			n -= tolerated
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
		if s == StatusError && tolerated > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", tolerated, ToleratedLabel))
		}
	}
	return strings.Join(parts, ", ")
}

// Tally counts rec's nodes by how they ended (a foreach node by its
// instances), and how many of those that failed did not fail the run:
// continue_on_error let it go past them, or past the pipeline node they
// ran under (parent/child).
func (rec *Record) Tally() (counts map[Status]int, tolerated int) {
	counts = map[Status]int{}
	for id, n := range rec.Nodes {
		if n.FannedOut() {
			continue
		}
		counts[n.Status]++
		if n.Status == StatusError && (n.Tolerated() || underTolerated(id, rec.toleratedNode)) {
			tolerated++
		}
	}
	return counts, tolerated
}

func (rec *Record) toleratedNode(id string) bool {
	n := rec.Nodes[id]
	return n != nil && n.Tolerated()
}

// underTolerated reports whether node id of a sub-pipeline, parent/child,
// ran under a node (its parent, or further up) that tolerated says
// continue_on_error let the run go past.
func underTolerated(id string, tolerated func(id string) bool) bool {
	for j := strings.LastIndexByte(id, '/'); j > 0; j = strings.LastIndexByte(id[:j], '/') {
		if tolerated(id[:j]) {
			return true
		}
	}
	return false
}
