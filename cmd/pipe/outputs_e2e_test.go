package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// A pipeline run on its own shows its `outputs:` under the summary's table
// and in pipe show, records them (--json has them), and exits 1 when one
// cannot be evaluated though every node succeeded.
func TestRunShowsThePipelinesOutputs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"good.yaml": "name: good\nnodes:\n  a: {module: echo, with: {x: 21}}\noutputs:\n  answer: ${{ nodes.a.outputs.x * 2 }}\n  who: ${{ nodes.a.status }}\n",
		"bad.yaml":  "name: bad\nnodes:\n  a: {module: echo, with: {l: [1]}}\noutputs:\n  sixth: ${{ nodes.a.outputs.l[5] }}\n",
	})
	r := pipeIn(t, dir, nil, "run", "good.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "\noutputs:\n  answer  42\n  who     success\n") {
		t.Fatalf("run: exit %d, want 0 and the outputs listed\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "show", "last")
	if r.code != 0 || !strings.Contains(r.stdout, "\noutputs:\n  answer  42\n") {
		t.Errorf("show: exit %d, want the outputs listed\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "run", "--json", "good.yaml")
	var rec struct{ Outputs map[string]any }
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.Outputs["answer"] != 42.0 {
		t.Errorf("--json: outputs %v (%v)\n%s", rec.Outputs, err, r.stdout)
	}
	r = pipeIn(t, dir, nil, "run", "bad.yaml")
	if r.code != 1 || !strings.Contains(r.stdout, "bad.yaml:5:31: output sixth of pipeline bad: ${{ nodes.a.outputs.l[5] }}: index 5 is out of range") ||
		!strings.Contains(r.stdout, "  sixth  null\n") {
		t.Errorf("run of a failing output: exit %d, want 1 with the output's error at its place\n%s%s", r.code, r.stdout, r.stderr)
	}
}
