package schema_test

import (
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// TestExtensionKeysAgree holds the JSON Schema to the loader on `x-`
// keys: an editor must accept them where `pipe validate` does (the top
// level, a place for anchors) and flag them where it does not.
func TestExtensionKeysAgree(t *testing.T) {
	sch := compiledJSONSchema(t)
	for _, tc := range []struct {
		name, yaml string
		valid      bool
	}{
		{"top level", "x-defaults: {module: echo}\nnodes: {a: {module: echo}}", true},
		{"top level anchor merged", "x-d: &d {module: echo}\nnodes: {a: {<<: *d}}", true},
		{"top level, any value", "x-note: [1, 2]\nnodes: {a: {module: echo}}", true},
		{"in a node", "nodes: {a: {module: echo, x-note: 1}}", false},
		{"in retries", "nodes: {a: {module: echo, retries: {limit: 1, x-note: 1}}}", false},
		{"not x-", "xdefaults: 1\nnodes: {a: {module: echo}}", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := schema.Parse("p.yaml", []byte(tc.yaml))
			if loaderOK := len(diags) == 0; loaderOK != tc.valid {
				t.Fatalf("loader accepts it: %v, want %v (%v)", loaderOK, tc.valid, diags)
			}
			err := sch.Validate(yamlToJSON(t, []byte(tc.yaml)))
			if schemaOK := err == nil; schemaOK != tc.valid {
				t.Errorf("JSON Schema accepts it: %v, want %v (%v)", schemaOK, tc.valid, err)
			}
		})
	}
}
