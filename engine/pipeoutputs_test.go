package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestRunOfAFileAloneEvaluatesItsOutputs: a pipeline run on its own
// records its `outputs:` (what a parent's pipeline node would get), and
// one that cannot be evaluated fails a run whose nodes all succeeded, as
// it fails a parent's node.
func TestRunOfAFileAloneEvaluatesItsOutputs(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		status  engine.Status
		reason  string // a part of it
		outputs map[string]any
		encoded string // a part of the encoded record
	}{
		{
			name: "evaluated and recorded",
			file: `name: outs
nodes:
  a: {module: echo, with: {x: 2, l: [1, 2]}}
outputs:
  double: ${{ nodes.a.outputs.x * 2 }}
  status: ${{ nodes.a.status }}
`,
			status:  engine.StatusSuccess,
			outputs: map[string]any{"double": 4, "status": "success"},
			encoded: `"outputs":{"double":4,"status":"success"}`,
		},
		{
			name: "one that fails fails the run",
			file: `name: outs
nodes:
  a: {module: echo, with: {l: [1]}}
outputs:
  first: ${{ nodes.a.outputs.l[0] }}
  bad: ${{ nodes.a.outputs.l[5] }}
`,
			status:  engine.StatusError,
			reason:  "output bad of pipeline outs: ${{ nodes.a.outputs.l[5] }}: index 5 is out of range",
			outputs: map[string]any{"first": 1, "bad": nil},
			encoded: `"bad":null`,
		},
		{
			name: "a failed run keeps its reason and gives what it can",
			file: `name: outs
nodes:
  a: {module: echo, with: {x: 1}}
  b: {module: exec, with: {command: [sh, -c, "exit 3"]}}
outputs:
  x: ${{ nodes.a.outputs.x }}
  b: ${{ nodes.b.status }}
`,
			status:  engine.StatusError,
			reason:  "1 node(s) failed",
			outputs: map[string]any{"x": 1, "b": "error"},
		},
		{
			name: "secrets masked",
			file: `name: outs
config: {API_TOKEN: abcd-secret-9999}
nodes:
  a: {module: echo, with: {message: "got ${{ config.API_TOKEN }}"}}
outputs:
  said: ${{ nodes.a.message }}
`,
			status:  engine.StatusSuccess,
			outputs: map[string]any{"said": "got ***"},
			encoded: `"said":"got ***"`,
		},
		{
			name: "a number JSON cannot hold is written as text",
			file: `name: outs
nodes:
  a: {module: echo, with: {x: 0.0}}
outputs:
  nan: ${{ nodes.a.outputs.x / nodes.a.outputs.x }}
`,
			status:  engine.StatusSuccess,
			encoded: `"nan":"NaN"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "outs.yaml")
			if err := os.WriteFile(file, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			plan, err := engine.Load(file, modules.Default)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != tt.status || !strings.Contains(rec.Reason, tt.reason) {
				t.Errorf("run %s %q, want %s with %q", rec.Status, rec.Reason, tt.status, tt.reason)
			}
			for k, want := range tt.outputs {
				if got, ok := rec.Outputs[k]; !ok || got != want {
					t.Errorf("output %s = %v (given: %t), want %v", k, got, ok, want)
				}
			}
			data, err := engine.EncodeRecord(rec)
			if err != nil {
				t.Fatalf("the record does not encode: %v", err)
			}
			if !strings.Contains(string(data), tt.encoded) {
				t.Errorf("the record lacks %s:\n%.600s", tt.encoded, data)
			}
		})
	}
}

// TestPipelineWithoutOutputsRecordsNone: the record of a pipeline that
// declares no outputs has no "outputs" key.
func TestPipelineWithoutOutputsRecordsNone(t *testing.T) {
	_, run := planRunner(t, modules.Default, "name: p\nnodes:\n  a: {module: echo}\n")
	rec := run(engine.Options{})
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Outputs != nil || strings.Contains(string(data[:strings.Index(string(data), `"nodes"`)]), `"outputs"`) {
		t.Errorf("outputs %v in a record of a pipeline without any:\n%.300s", rec.Outputs, data)
	}
}

// A run's outputs are bounded as a node's are (modules.MaxValueBytes): a
// run of a file alone whose outputs copy a big value seventy times wrote
// a 284 MB record, where the same file under a parent fails its node.
func TestRunOutputsAreBounded(t *testing.T) {
	_, run := planRunner(t, modules.Default, `name: big
nodes:
  a: {module: echo, with: {s: "${{ repeat('x', 1500000) }}"}}
outputs:
  o1: ${{ nodes.a.outputs.s }}
  o2: ${{ nodes.a.outputs.s }}
  o3: ${{ nodes.a.outputs.s }}
`)
	rec := run(engine.Options{})
	if rec.Status != engine.StatusError || !strings.Contains(rec.Reason, "pipeline big: outputs are 4.5 MB") {
		t.Errorf("run %s %q, want it failed for its outputs' size", rec.Status, rec.Reason)
	}
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 2<<20 {
		t.Errorf("the record is %d bytes, want the outputs left out", len(data))
	}
}
