package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// TestItemsRead: a foreach node's fan-in makes nodes.<id>.items only when
// an expression may read them; reads of its status, message or outputs
// alone do not.
func TestItemsRead(t *testing.T) {
	for _, tc := range []struct {
		name, with string
		want       bool
		reads      string // in what report outputs
	}{
		{"outputs", "'${{ nodes.fit.outputs.x }}'", false, `["a","b"]`},
		{"status and message", "'${{ nodes.fit.status + nodes.fit.message }}'", false, "success2 instances"},
		{"items", "'${{ len(nodes.fit.items) }}'", true, "2"},
		{"items beside outputs", "'${{ nodes.fit.outputs.x[0] + string(len(nodes.fit.items)) }}'", true, "a2"},
		{"the node whole", "'${{ toJSON(nodes.fit) }}'", true, `\"Key\": \"b\"`},
		{"nodes whole", "'${{ nodes.fit.status + toJSON(nodes) }}'", true, `\"Key\": \"b\"`},
		{"optional chaining", "'${{ nodes.fit?.items[1].key }}'", true, "b"},
		{"index syntax", `'${{ nodes["fit"]["items"][1]["status"] }}'`, true, "success"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "nodes:\n  fit:\n    module: echo\n    foreach: [a, b]\n    with: {x: '${{ item }}'}\n" +
				"  report:\n    module: echo\n    needs: fit\n    with: {v: " + tc.with + "}\n"
			plan, err := Parse("p.yaml", []byte(src), modules.Default)
			if err != nil {
				t.Fatal(err)
			}
			if got := plan.nodes[0].itemsRead; got != tc.want {
				t.Errorf("itemsRead = %v, want %v", got, tc.want)
			}
			rec, err := New(modules.Default).Run(context.Background(), plan, Options{})
			if err != nil || rec.Status != StatusSuccess {
				t.Fatalf("run: %v %s", err, rec.Status)
			}
			if got := toText(rec.Nodes["report"].Outputs["v"]); !strings.Contains(got, tc.reads) {
				t.Errorf("report read %s, want %s in it", got, tc.reads)
			}
		})
	}
}

func toText(v any) string {
	b, _ := modules.MarshalJSON(v)
	return string(b)
}
