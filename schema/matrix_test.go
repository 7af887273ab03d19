package schema_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// TestMatrix expands matrices as GitHub Actions does: the product with the
// first key outermost, exclude first, then include (extending the
// combinations whose matrix values it keeps, else added as its own).
func TestMatrix(t *testing.T) {
	tests := []struct {
		name, matrix string
		items, keys  string
	}{
		{
			name:   "product, first key outermost",
			matrix: "{league: [england, italy], method: [elo, dc]}",
			items:  `[{"league":"england","method":"elo"},{"league":"england","method":"dc"},{"league":"italy","method":"elo"},{"league":"italy","method":"dc"}]`,
			keys:   "england,elo england,dc italy,elo italy,dc",
		},
		{
			name:   "exclude drops what matches each of its keys",
			matrix: "{league: [england, italy], method: [elo, dc], exclude: [{league: italy, method: elo}, {method: dc}]}",
			items:  `[{"league":"england","method":"elo"}]`,
			keys:   "england,elo",
		},
		{
			name:   "numbers and bools",
			matrix: "{n: [1, 2.5], ok: [true]}",
			items:  `[{"n":1,"ok":true},{"n":2.5,"ok":true}]`,
			keys:   "1,true 2.5,true",
		},
		{
			name: "GitHub's include example",
			matrix: `
      fruit: [apple, pear]
      animal: [cat, dog]
      include:
        - color: green
        - {color: pink, animal: cat}
        - {fruit: apple, shape: circle}
        - fruit: banana
        - {fruit: banana, animal: cat}`,
			items: `[{"animal":"cat","color":"pink","fruit":"apple","shape":"circle"},{"animal":"dog","color":"green","fruit":"apple","shape":"circle"},` +
				`{"animal":"cat","color":"pink","fruit":"pear"},{"animal":"dog","color":"green","fruit":"pear"},{"fruit":"banana"},{"animal":"cat","fruit":"banana"}]`,
			keys: "apple,cat apple,dog pear,cat pear,dog banana banana,cat",
		},
		{
			name:   "include alone",
			matrix: "{include: [{league: england, data: e.csv}, {league: italy, data: i.csv}]}",
			items:  `[{"data":"e.csv","league":"england"},{"data":"i.csv","league":"italy"}]`,
			keys:   "england,e.csv italy,i.csv",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "nodes:\n  fit:\n    matrix: " + tt.matrix + "\n"
			p, diags := schema.Parse("t.yaml", []byte(src))
			if len(diags) > 0 {
				t.Fatalf("%v", diags)
			}
			f := p.Nodes[0].Foreach
			if f == nil {
				t.Fatal("no foreach")
			}
			got, _ := json.Marshal(f.Value)
			if string(got) != tt.items {
				t.Errorf("items\n got %s\nwant %s", got, tt.items)
			}
			if keys := strings.Join(f.Keys, " "); keys != tt.keys {
				t.Errorf("keys %q, want %q", keys, tt.keys)
			}
		})
	}
}

// TestMatrixBound checks that the matrices of one file expand to at most
// MaxMatrix combinations in all, so that an alias repeating a large one
// on many nodes ends with an error, not the machine's memory.
func TestMatrixBound(t *testing.T) {
	var vals []string
	for i := range 300 {
		vals = append(vals, fmt.Sprint(i))
	}
	list := "[" + strings.Join(vals, ", ") + "]"
	src := "x-m: &m {a: " + list + ", b: " + list + "}\nnodes:\n"
	for i := range 10 {
		src += fmt.Sprintf("  n%d: {module: echo, matrix: *m}\n", i)
	}
	_, diags := schema.Parse("t.yaml", []byte(src))
	if len(diags) == 0 || !strings.Contains(diags.Error(), "more than 100000 combinations (with the file's other matrices)") {
		t.Fatalf("10 matrices of 90,000 combinations: %v", diags)
	}
}

// An include listed twice would run one instance twice, as a value listed
// twice in the matrix would: both are errors, at the second.
func TestMatrixIncludeTwice(t *testing.T) {
	src := "nodes:\n  fit:\n    matrix:\n      include:\n        - {a: 1, b: x}\n        - {a: 2}\n        - {b: x, a: 1.0}\n"
	_, diags := schema.Parse("t.yaml", []byte(src))
	if len(diags) != 1 || !strings.Contains(diags[0].Error(), "t.yaml:7:11: matrix include entry 3 repeats entry 1: the node would run twice with the same values") {
		t.Errorf("diagnostics %v, want one at the third entry", diags)
	}
	// Entries that extend the matrix's combinations are not combinations.
	if _, diags := schema.Parse("t.yaml", []byte("nodes:\n  fit:\n    matrix: {a: [1, 2], include: [{c: x}, {c: x}]}\n")); len(diags) != 0 {
		t.Errorf("include entries extending the matrix: %v", diags)
	}
}
