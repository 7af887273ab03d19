package engine

import (
	"slices"
	"testing"
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
