package main

import (
	"encoding/json"
	"fmt"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// withSchemas returns the pipeline files' JSON Schema with each module's
// `with` typed from the registry: an editor completes the inputs of
// `module: betting_prediction` and flags a number given as text. It adds
// to schema/pipeline.schema.json, which knows no module, a $defs entry
// per module, a rule on the node for `module: NAME`, and one on the nodes
// whose id names the module (module defaults to the id).
func withSchemas(reg *modules.Registry) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(schema.JSONSchema, &doc); err != nil {
		return nil, fmt.Errorf("schema/pipeline.schema.json: %w", err)
	}
	defs, _ := doc["$defs"].(map[string]any)
	node, _ := defs["node"].(map[string]any)
	props, _ := doc["properties"].(map[string]any)
	nodes, _ := props["nodes"].(map[string]any)
	if node == nil || nodes == nil {
		return nil, fmt.Errorf("schema/pipeline.schema.json has no $defs.node or properties.nodes")
	}
	var rules []any
	byID := map[string]any{}
	for _, name := range reg.Names() {
		info, _ := reg.Lookup(name)
		ref := "#/$defs/with_" + name
		defs["with_"+name] = withSchema(info)
		withIs := map[string]any{"properties": map[string]any{"with": map[string]any{"$ref": ref}}}
		if _, needs := defs["with_"+name].(map[string]any)["required"]; needs {
			withIs["required"] = []any{"with"}
		}
		rules = append(rules, map[string]any{
			"if":   map[string]any{"properties": map[string]any{"module": map[string]any{"const": name}}, "required": []any{"module"}},
			"then": withIs,
		})
		if schema.IsIdentifier(name) {
			byID[name] = map[string]any{"if": map[string]any{"not": map[string]any{"required": []any{"module"}}}, "then": withIs}
		}
	}
	node["allOf"] = rules
	nodes["properties"] = byID
	return json.MarshalIndent(doc, "", "  ")
}

// withSchema is one module's `with`: its inputs typed, described, with
// their defaults, the required ones required. Any input may also be a
// text holding ${{ }}, whose value is known at run time.
func withSchema(info *modules.Info) map[string]any {
	props := map[string]any{}
	var required []any
	for _, f := range info.Inputs {
		p := fieldSchema(f)
		if f.Description != "" {
			p["description"] = f.Description
		}
		if f.Default != nil {
			p["default"] = modules.JSONSafe(f.Default)
		}
		if f.Type != modules.String && f.Type != modules.Any {
			p = map[string]any{"anyOf": []any{p, templateSchema}, "description": p["description"]}
		}
		props[f.Name] = p
		if f.Required && f.Default == nil {
			required = append(required, f.Name)
		}
	}
	s := map[string]any{
		"type":                 []any{"object", "null"},
		"description":          fmt.Sprintf("The inputs of module %s: %s", info.Name, info.Description),
		"properties":           props,
		"additionalProperties": info.AnyInputs,
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// templateSchema is a text holding ${{ }}: any input may be one.
var templateSchema = map[string]any{"type": "string", "pattern": `\$\{\{`}

func fieldSchema(f modules.Field) map[string]any {
	switch f.Type {
	case modules.String:
		s := map[string]any{"type": "string"}
		if len(f.Enum) > 0 {
			enum := make([]any, len(f.Enum))
			for k, e := range f.Enum {
				enum[k] = e
			}
			// A ${{ }} is allowed where the values are listed too.
			return map[string]any{"anyOf": []any{map[string]any{"enum": enum}, templateSchema}}
		}
		return s
	case modules.Int:
		return map[string]any{"type": "integer"}
	case modules.Number:
		return map[string]any{"type": "number"}
	case modules.Bool:
		return map[string]any{"type": "boolean"}
	case modules.List:
		return map[string]any{"type": "array"}
	case modules.Map:
		return map[string]any{"type": "object"}
	case modules.Duration:
		return map[string]any{"$ref": "#/$defs/duration"}
	}
	return map[string]any{}
}
