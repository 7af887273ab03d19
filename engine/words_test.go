package engine

import (
	"slices"
	"strings"
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
// "new no more"; one no longer read says so; what a files: glob matched
// is said only when no file's own change says it, and never of a value
// that names no file (data: synthetic); every change is named (a line
// cuts them, --json does not).
func TestChangedIngredients(t *testing.T) {
	ing := func(kv ...string) []cachestore.Ingredient {
		var out []cachestore.Ingredient
		for k := 0; k < len(kv); k += 2 {
			out = append(out, cachestore.Ingredient{Name: kv[k], Digest: kv[k+1]})
		}
		slices.SortFunc(out, func(a, b cachestore.Ingredient) int { return strings.Compare(a.Name, b.Name) })
		return out
	}
	tests := []struct {
		name        string
		before, now []cachestore.Ingredient
		want        []string
	}{
		{"a file gone, one new, a key no longer given",
			ing("module", "m", "files:*.txt", "g1", "file:gone.txt", "2", "config.OLD", "3", "with.x", "4"),
			ing("module", "m", "files:*.txt", "g2", "file:new.txt", "5", "with.x", "4"),
			[]string{"file new.txt is new", "config.OLD is no longer given", "file gone.txt is gone"}},
		{"a file added to files:, said once",
			ing("module", "m"),
			ing("module", "m", "files:x.csv", "g1", "file:x.csv", "1"),
			[]string{"file x.csv is new"}},
		{"a file input that becomes no path (synthetic)",
			ing("with.data", "1", "files:x.csv", "g1", "file:x.csv", "1"),
			ing("with.data", "2", "files:synthetic", matchedNothing),
			[]string{"input `with.data` changed", "file x.csv is no longer read"}},
		{"no path that becomes a file",
			ing("with.data", "1", "files:synthetic", matchedNothing),
			ing("with.data", "2", "files:x.csv", "g1", "file:x.csv", "1"),
			[]string{"file x.csv is new", "input `with.data` changed"}},
		{"a glob that matches other files no file's change says",
			ing("files:a.csv", "g1", "files:*.csv", "g2", "file:a.csv", "1"),
			ing("files:a.csv", "g1", "files:*.csv", "g3", "file:a.csv", "1"),
			[]string{"files *.csv match other files"}},
		{"every change named",
			ing("file:a", "1", "file:b", "1", "file:c", "1", "file:d", "1", "files:.", "g"),
			ing("file:a", "2", "file:b", "2", "file:c", "2", "file:d", "2", "files:.", "g"),
			[]string{"file a changed", "file b changed", "file c changed", "file d changed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changedIngredients(tt.before, tt.now); !slices.Equal(got, tt.want) {
				t.Errorf("changes %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := sayChanges([]string{"a", "b", "c", "d", "e"}), "a, b, c and 2 more"; got != want {
		t.Errorf("a line of changes %q, want %q", got, want)
	}
}
