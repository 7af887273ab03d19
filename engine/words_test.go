package engine

import (
	"slices"
	"testing"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
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

// What changed in a cache key, in words: a file removed is gone, not
// "new no more".
func TestChangedIngredients(t *testing.T) {
	ing := func(kv ...string) []cachestore.Ingredient {
		var out []cachestore.Ingredient
		for k := 0; k < len(kv); k += 2 {
			out = append(out, cachestore.Ingredient{Name: kv[k], Digest: kv[k+1]})
		}
		return out
	}
	got := changedIngredients(
		ing("module", "m", "file:gone.txt", "2", "config.OLD", "3", "with.x", "4"),
		ing("module", "m", "file:new.txt", "5", "with.x", "4"))
	want := []string{"file new.txt is new", "config.OLD is no longer given", "file gone.txt is gone"}
	if !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}
