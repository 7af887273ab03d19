package engine_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A conversion that cannot read its value (int('zz'), fromJSON(x)) names
// the value, quoted and clipped, and where it came from: a config key and
// what set it, or what it read. The message keeps its file:line:col.
func TestConversionFailuresNameTheValue(t *testing.T) {
	long := strings.Repeat("q", 300)
	tests := []struct {
		name, node, x, from string
		want                string
	}{
		{"int in when, --set", "w", "zz", "--set", `test.yaml:8:11: when: int(config.X) > 1: cannot make a whole number of "zz" (config.X, from --set)`},
		{"float in with, default", "f", "", "", `test.yaml:10:28: input message: ${{ float(config.X) }}: cannot make a number of "5x" (config.X, its default)`},
		{"int of a literal", "lit", "", "", `input message: ${{ int('zz') }}: cannot make a whole number of "zz"`},
		{"int of an output", "out", "", "", `${{ int(nodes.src.outputs.v) }}: cannot make a whole number of "v1" (nodes.src.outputs.v)`},
		{"int of an item", "each[a1]", "", "", `${{ int(item) }}: cannot make a whole number of "a1" (item)`},
		{"fromJSON, a .env file", "j", "{", "c.env", `${{ fromJSON(config.X) }}: fromJSON cannot read "{" (config.X, from c.env): unexpected end of JSON input`},
		{"duration, the environment", "d", "zz", "environment", `duration cannot read "zz" (config.X, from the environment): time: invalid duration "zz"`},
		{"a long value is clipped", "w", long, "--set", `cannot make a whole number of "` + long[:80] + `"… (300 bytes) (config.X, from --set)`},
		{"a secret is masked", "s", "", "", `cannot make a whole number of "***" (config.API_TOKEN, its default)`},
	}
	src := `name: conv
config: {X: "5x", API_TOKEN: tok-secret-value}
nodes:
  src: {module: echo, with: {v: v1}}
  w:
    module: echo
    continue_on_error: true
    when: int(config.X) > 1
  f:
    with: {message: "n=${{ float(config.X) }}"}
    module: echo
  lit: {module: echo, with: {message: "n=${{ int('zz') }}"}}
  out: {module: echo, needs: src, with: {message: "n=${{ int(nodes.src.outputs.v) }}"}}
  each: {module: echo, foreach: [a1], with: {message: "n=${{ int(item) }}"}}
  j: {module: echo, with: {message: "n=${{ fromJSON(config.X) }}"}}
  d: {module: echo, with: {message: "n=${{ duration(config.X) }}"}}
  s: {module: echo, when: int(config.API_TOKEN) > 0}
`
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			opts := engine.Options{}
			if tt.x != "" {
				opts.Config = map[string]any{"X": tt.x}
				opts.ConfigFrom = map[string]string{"X": tt.from}
			}
			rec := tm.run(t, src, opts)
			n := rec.Nodes[tt.node]
			if n == nil || n.Status != engine.StatusError || !strings.Contains(n.Message, tt.want) {
				t.Fatalf("node %s: %+v\nwant a failure with %q", tt.node, n, tt.want)
			}
			if strings.Contains(n.Message, "tok-secret") {
				t.Errorf("the secret shows: %s", n.Message)
			}
		})
	}
}
