package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// A big plan's definitions, made a chunk per P, are each node's own: the
// same as made one at a time, and different where the nodes differ.
func TestDefinitionsOfABigPlan(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: big\nnodes:\n")
	n := parallelDefinitions + 7
	for i := range n {
		fmt.Fprintf(&b, "  n%d: {module: echo, with: {i: %d}}\n", i, i)
	}
	plan, err := Parse("big.yaml", []byte(b.String()), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var d defWriter
	for i := range n {
		d.b = d.b[:0]
		plan.writeNodeDefinition(&d, i)
		sum := sha256.Sum256(d.b)
		want := hex.EncodeToString(sum[:definitionLen/2])
		if got := plan.definition(i); got != want {
			t.Fatalf("node %d: definition %s, want %s", i, got, want)
		}
		if seen[want] {
			t.Fatalf("node %d: definition %s is another node's too", i, want)
		}
		seen[want] = true
	}
}
