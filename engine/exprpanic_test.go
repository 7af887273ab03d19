package engine_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// expr 1.17.8's compiler panics on a field of an element of a filtered
// fan-in (its checker passes it): validate printed the panic and its
// goroutine stack as the expression's error. Such an expression runs.
func TestFilteredFanInFieldCompiles(t *testing.T) {
	src := `name: fanin
nodes:
  mm: {module: echo, matrix: {league: [england, spain], method: [elo]}, with: {x: 1}}
  g:
    module: echo
    needs: mm
    when: 'filter(nodes.mm.items, .key == "spain,elo")[0].status == "success"'
    with: {k: '${{ filter(nodes.mm.items, .key == "england,elo")[0].key }}'}
  none:
    module: echo
    needs: mm
    with: {k: '${{ filter(nodes.mm.items, .key == "nowhere")[0].key }}'}
`
	tm := newTestModules(t)
	rec := tm.run(t, src, engine.Options{})
	g := rec.Nodes["g"]
	if g == nil || g.Status != engine.StatusSuccess || g.Outputs["k"] != "england,elo" {
		t.Fatalf("g: %+v", g)
	}
	// A filter that kept nothing: said so, not as reflect says it.
	if n := rec.Nodes["none"]; n == nil || !strings.Contains(n.Reason, "index out of range: the list is shorter (a filter that kept nothing is empty)") {
		t.Errorf("none: %+v", n)
	}
	// Its types are still checked: a field an instance has not is said.
	bad := strings.Replace(src, `"spain,elo")[0].status`, `"spain,elo")[0].nope`, 1)
	if _, err := engine.Parse("p.yaml", []byte(bad), tm.reg); err == nil || !strings.Contains(err.Error(), `an instance has no field "nope"`) {
		t.Errorf("a field an instance has not: %v", err)
	}
}
