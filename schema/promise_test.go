package schema_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// TestPromiseTypesInTheJSONSchema keeps the JSON Schema's output types the
// loader's.
func TestPromiseTypesInTheJSONSchema(t *testing.T) {
	var doc struct {
		Defs struct {
			OutputType struct {
				Enum []string `json:"enum"`
			} `json:"output_type"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(schema.JSONSchema, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(doc.Defs.OutputType.Enum, schema.PromiseTypes) {
		t.Errorf("JSON Schema output types %v, loader %v", doc.Defs.OutputType.Enum, schema.PromiseTypes)
	}
}

// TestPromisesInTheJSONSchema checks that an editor accepts the forms of
// `outputs:` and `matrix:` the loader accepts and rejects those it rejects.
func TestPromisesInTheJSONSchema(t *testing.T) {
	sch := compiledJSONSchema(t)
	for src, ok := range map[string]bool{
		"nodes: {a: {outputs: {x: list, n: number, s: string, b: bool, m: map, i: int, y: any}}}": true,
		"nodes: {a: {outputs: {x: }}}":      true,
		"nodes: {a: {outputs: [x, y]}}":     true,
		"nodes: {a: {outputs: {x: array}}}": false,
		"nodes: {a: {outputs: {}}}":         false,
		"nodes: {a: {outputs: []}}":         false,
		"nodes: {a: {outputs: [x, x]}}":     false,
		"nodes: {a: {outputs: {a-b: any}}}": false,
		"nodes: {a: {outputs: x}}":          false,
		"nodes: {a: {matrix: {l: [a, b], m: [1, true], include: [{l: c}], exclude: [{l: a, m: 1}]}}}": true,
		"nodes: {a: {matrix: [a, b]}}":                 false,
		"nodes: {a: {matrix: {l: a}}}":                 false,
		"nodes: {a: {matrix: {l: [a, a]}}}":            false,
		"nodes: {a: {matrix: {l: [{x: 1}]}}}":          false,
		"nodes: {a: {matrix: {l: [a], include: [a]}}}": false,
	} {
		_, diags := schema.Parse("t.yaml", []byte(src))
		if loaderOK := len(diags) == 0; loaderOK != ok {
			t.Errorf("loader on %q: %v, want ok=%v", src, diags, ok)
		}
		if err := sch.Validate(yamlToJSON(t, []byte(src))); (err == nil) != ok {
			t.Errorf("JSON Schema on %q: %v, want ok=%v", src, err, ok)
		}
	}
}
