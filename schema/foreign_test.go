package schema

import (
	"slices"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestForeignKeysAreNotPipeKeys keeps the tables of other tools' keys
// apart from pipe's own: a key pipe reads never gets another tool's hint.
func TestForeignKeysAreNotPipeKeys(t *testing.T) {
	for _, tc := range []struct {
		where   string
		foreign map[string]foreignKey
		known   []string
	}{
		{"pipeline", foreignPipelineKeys, PipelineKeys},
		{"node", foreignNodeKeys, NodeKeys},
	} {
		for key, fk := range tc.foreign {
			if slices.Contains(tc.known, key) {
				t.Errorf("%s key %q is pipe's own and has a foreign hint", tc.where, key)
			}
			if fk.say == "" {
				t.Errorf("%s key %q has no hint", tc.where, key)
			}
		}
	}
}

// TestInlineExample checks the examples built from what the user wrote:
// valid YAML on one line, in flow style, or nothing.
func TestInlineExample(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		keys        []string
		want        string
	}{
		{"plain", "make build", []string{"with", "command"}, "with: {command: make build}"},
		{"comma quoted in flow", "echo a, b", []string{"with", "command"}, `with: {command: 'echo a, b'}`},
		{"list", "[build, lint]", []string{"needs"}, "needs: [build, lint]"},
		{"block list", "- build\n- lint", []string{"needs"}, "needs: [build, lint]"},
		{"anchor dropped", "&a [x]", []string{"needs"}, "needs: [x]"},
		{"comment dropped", "[x] # why", []string{"needs"}, "needs: [x]"},
		{"null", "~", []string{"needs"}, ""},
		{"too long", "[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", []string{"needs"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tc.value), &doc); err != nil {
				t.Fatal(err)
			}
			if got := inline(doc.Content[0], tc.keys...); got != tc.want {
				t.Errorf("inline(%q) = %q, want %q", tc.value, got, tc.want)
			}
			if tc.want == "" {
				return
			}
			var back map[string]any
			if err := yaml.Unmarshal([]byte(tc.want), &back); err != nil {
				t.Errorf("example %q is not YAML: %v", tc.want, err)
			}
		})
	}
}
