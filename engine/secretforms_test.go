package engine

import (
	"slices"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// A secret inside JSON text (toJSON, a program's printed result) is
// masked as each common encoder writes it.
func TestJSONForms(t *testing.T) {
	for _, tt := range []struct {
		secret string
		want   []string
	}{
		{"plain-token-123", nil},
		{`pa"ss\wo<rd>&`, []string{`pa\"ss\\wo\u003crd\u003e\u0026`, `pa\"ss\\wo<rd>&`}},
		{"café-secret", []string{`caf\u00e9-secret`}},
		{"key😀x\"", []string{`key😀x\"`, `key\ud83d\ude00x\"`}},
	} {
		if got := jsonForms(tt.secret); !slices.Equal(got, tt.want) {
			t.Errorf("jsonForms(%q) = %q, want %q", tt.secret, got, tt.want)
		}
	}
}

// A secret too short to mask is not masked in its quoted or escaped
// forms either, which are long enough: é would mask every \u00e9.
func TestShortSecretHasNoForms(t *testing.T) {
	plan, err := Parse("p.yaml", []byte("config: {API_KEY: é, DB_PASSWORD: x\"}\nnodes:\n  a: {module: echo}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if r := newRedactor(plan, map[string]any{"API_KEY": "é", "DB_PASSWORD": `x"`}, nil, nil); r != nil {
		t.Errorf("masks %q", r.values)
	}
}
