package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// pipe schema types each module's `with` from the registry: a JSON Schema
// validator (as an editor runs) accepts every pipeline pipe accepts, and
// rejects a module's unknown input, a value of the wrong type, a missing
// required input, whether the module is named by `module:` or by the id.
func TestSchemaTypesWithPerModule(t *testing.T) {
	r := pipe(t, "schema")
	if r.code != 0 {
		t.Fatalf("pipe schema: exit %d: %s", r.code, r.stderr)
	}
	raw, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("pipeline.schema.json", raw); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("pipeline.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../pipelines/*.yaml")
	more, _ := filepath.Glob("../../testdata/good/*.yaml")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(asJSON(t, data)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	tests := []struct {
		src string
		ok  bool
	}{
		{"nodes: {b: {module: betting_prediction, with: {predictions: [], kelly_fraction: 0.5}}}", true},
		{"nodes: {b: {module: betting_prediction, with: {predictions: [], kelly_fraction: '${{ config.K }}'}}}", true},
		{"nodes: {b: {module: betting_prediction, with: {predictions: [], kelly_fraction: lots}}}", false},
		{"nodes: {b: {module: betting_prediction, with: {predictions: [], margin: shinn}}}", false},
		{"nodes: {betting_prediction: {with: {predictions: [], min_edg: 0.1}}}", false},
		{"nodes: {w: {module: wait}}", false},
		{"nodes: {w: {module: wait, with: {duration: 5 minutes}}}", false},
		{"nodes: {w: {module: wait, with: {duration: 5m}}}", true},
		{"nodes: {e: {module: echo, with: {anything: [1, 2]}}}", true},
	}
	for _, tt := range tests {
		err := sch.Validate(asJSON(t, []byte(tt.src)))
		if (err == nil) != tt.ok {
			t.Errorf("%s: valid %v, want %v (%v)", tt.src, err == nil, tt.ok, err)
		}
	}
}

func asJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
