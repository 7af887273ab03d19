package temporal

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A pipeline node whose sub-pipeline has 800 nodes sends their records
// back in one payload: past Temporal's limit, the biggest children's
// inputs and outputs are left out (each saying so) and the node succeeds;
// it failed, blaming its own outputs. With records too many to fit even
// so, the failure says that it is the sub-pipeline's records.
func TestPipelineNodeResultFitsThePayload(t *testing.T) {
	pad := strings.Repeat("x", 1500)
	tests := []struct {
		name    string
		sub     string
		tooMany string // "" when the node succeeds
	}{
		{"800 instances with large inputs", "name: sub\nnodes:\n  many:\n    module: echo\n    foreach: ${{ 1..800 }}\n    with: {n: \"${{ item }}\", pad: " + pad + "}\n", ""},
		{"records too many to fit", "name: sub\nnodes:\n  many:\n    module: echo\n    foreach: ${{ 1..9000 }}\n    with: {n: \"${{ item }}\"}\n",
			"the records of its sub-pipeline's 9001 nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte(tt.sub), 0o644); err != nil {
				t.Fatal(err)
			}
			val, err := runAttempt(t, engine.Task{Run: "r", Node: "sub", Module: engine.PipelineModule, With: map[string]any{"file": "sub.yaml"}, Attempt: 1, Dir: dir}, nil)
			if tt.tooMany != "" {
				if err == nil || !strings.Contains(err.Error(), tt.tooMany) || !strings.Contains(err.Error(), "split the sub-pipeline") {
					t.Fatalf("got %v, want a failure naming %s and what to do", err, tt.tooMany)
				}
				return
			}
			if err != nil {
				t.Fatalf("the pipeline node failed: %v", err)
			}
			var res []byte
			if err := val.Get(&res); err != nil {
				t.Fatal(err)
			}
			if len(res) > maxOutputJSON {
				t.Fatalf("its result is %d bytes, over %d", len(res), maxOutputJSON)
			}
			var w outputWire
			if err := json.Unmarshal(res, &w); err != nil {
				t.Fatal(err)
			}
			values, err := decodeValues(w.Values)
			if err != nil {
				t.Fatal(err)
			}
			children, _ := values[engine.ChildrenKey].(map[string]any)
			cut := 0
			for _, c := range children {
				if out, _ := c.(map[string]any)["outputs"].(map[string]any); out["cut"] != nil {
					cut++
				}
			}
			if len(children) != 801 || cut == 0 {
				t.Errorf("%d children came back, %d of them cut; want all 801, the largest cut", len(children), cut)
			}
		})
	}
}
