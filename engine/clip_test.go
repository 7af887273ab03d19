package engine_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// TestLongValuesAreCutInMessages puts a 1 MB value wherever a diagnostic
// quotes what the user wrote: the message must quote a bounded part of it,
// still at its line:col.
func TestLongValuesAreCutInMessages(t *testing.T) {
	big := strings.Repeat("x", 1<<20)
	spaced := strings.Repeat("ab ", 1<<18)
	tests := []struct{ name, src string }{
		{"unknown pipeline key", big + ": 1\nnodes: {a: {module: echo}}\n"},
		{"unknown node key", "nodes:\n  a:\n    module: echo\n    " + big + ": 1\n"},
		{"duplicate key", "nodes:\n  a: {module: echo}\n  a" + big + ": {module: echo}\n  a" + big + ": {module: echo}\n"},
		{"node id not an identifier", "nodes:\n  '-" + big + "': {module: echo}\n"},
		{"config key not an identifier", "config:\n  '-" + big + "': 1\nnodes: {a: {module: echo}}\n"},
		{"duration", "nodes:\n  a: {module: echo, timeout: '" + big + "'}\n"},
		{"unknown need", "nodes:\n  a: {module: echo, needs: " + big + "}\n"},
		{"unknown module", "nodes:\n  a: {module: " + big + "}\n"},
		{"unknown input", "nodes:\n  a: {module: exec, with: {command: [true], " + big + ": 1}}\n"},
		{"enum input", "nodes:\n  sports_predictor: {with: {method: '" + big + "'}}\n"},
		{"enum input with spaces", "nodes:\n  sports_predictor: {with: {method: '" + spaced + "'}}\n"},
		{"unknown config key in when", "nodes:\n  a: {module: echo, when: config." + big + "}\n"},
		{"unknown node in template", "nodes:\n  a: {module: echo, with: {m: '${{ nodes." + big + ".status }}'}}\n"},
		{"unknown name in expression", "nodes:\n  a: {module: echo, when: " + big + "}\n"},
		{"string literal in a type error", "nodes:\n  a: {module: echo, when: '\"" + spaced + "\" + 1'}\n"},
		{"unquoted when", "nodes:\n  a:\n    module: echo\n    when: !a && " + big + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := engine.Parse("big.yaml", []byte(tt.src), modules.Default)
			var diags schema.Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("error %v, want diagnostics", err)
			}
			for _, d := range diags {
				if d.Line < 1 || len(d.Message) > 1024 || len(d.Hint) > 1024 || len(d.Snippet) > 1024 {
					t.Errorf("diagnostic at %d:%d of %d+%d+%d bytes: %.200s", d.Line, d.Col, len(d.Message), len(d.Hint), len(d.Snippet), d.Long())
				}
			}
		})
	}
}
