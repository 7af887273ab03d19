package schema_test

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// `dotenv:` takes a path or a list of paths, kept in order with their
// places; anything else is an error at the entry that is wrong, with a
// hint, and the good entries around it are still read.
func TestDotEnv(t *testing.T) {
	const nodes = "\nnodes:\n  a: {module: echo}\n"
	type at struct{ line, col int }
	for _, tt := range []struct {
		name, yaml string
		want       []string // the paths read
		wantAt     []at     // where each path is written
		errs       []at     // where each error is
		errHas     string   // in every error
	}{
		{name: "one path", yaml: "dotenv: .env", want: []string{".env"}, wantAt: []at{{1, 9}}},
		{name: "a list, in order", yaml: "dotenv: [.env, ../shared.env, /etc/pipe.env]",
			want: []string{".env", "../shared.env", "/etc/pipe.env"}, wantAt: []at{{1, 10}, {1, 16}, {1, 31}}},
		{name: "a block list", yaml: "dotenv:\n  - .env\n  - 'local .env'",
			want: []string{".env", "local .env"}, wantAt: []at{{2, 5}, {3, 5}}},
		{name: "empty", yaml: "dotenv:", want: nil},
		{name: "empty list", yaml: "dotenv: []", want: nil},
		{name: "a quoted number is a name", yaml: `dotenv: ["1"]`, want: []string{"1"}, wantAt: []at{{1, 10}}},
		{name: "a number", yaml: "dotenv: 1", errs: []at{{1, 9}}, errHas: "dotenv entries must be paths, not an int"},
		{name: "a bool in a list", yaml: "dotenv: [.env, true]", want: []string{".env"}, wantAt: []at{{1, 10}},
			errs: []at{{1, 16}}, errHas: "not a bool"},
		{name: "a mapping", yaml: "dotenv: {file: .env}", errs: []at{{1, 9}}, errHas: "dotenv must be a path or a list of paths, not a mapping"},
		{name: "a list in a list", yaml: "dotenv:\n  - .env\n  - [a.env]", want: []string{".env"}, wantAt: []at{{2, 5}},
			errs: []at{{3, 5}}, errHas: "not a list"},
		{name: "an empty entry", yaml: `dotenv: [.env, ""]`, want: []string{".env"}, wantAt: []at{{1, 10}},
			errs: []at{{1, 16}}, errHas: "dotenv entry is empty"},
		{name: "an expression", yaml: "dotenv: '${{ config.ENV }}.env'", errs: []at{{1, 9}}, errHas: "take no ${{ }}"},
		{name: "an alias", yaml: "x-env: &e .env\ndotenv: [*e]", want: []string{".env"}, wantAt: []at{{1, 8}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, diags := schema.Parse("p.yaml", []byte(tt.yaml+nodes))
			var got []string
			var gotAt []at
			for _, r := range p.DotEnv {
				got, gotAt = append(got, r.ID), append(gotAt, at{r.Pos.Line, r.Pos.Col})
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(gotAt) != len(tt.wantAt) {
				t.Fatalf("dotenv %q at %v, want %q at %v (%v)", got, gotAt, tt.want, tt.wantAt, diags)
			}
			for i := range gotAt {
				if gotAt[i] != tt.wantAt[i] {
					t.Errorf("%s at %v, want %v", got[i], gotAt[i], tt.wantAt[i])
				}
			}
			if len(diags) != len(tt.errs) {
				t.Fatalf("%d problems, want %d: %v", len(diags), len(tt.errs), diags)
			}
			for i, d := range diags {
				if (at{d.Line, d.Col}) != tt.errs[i] || !strings.Contains(d.Message, tt.errHas) || d.Hint == "" || d.IsWarning() {
					t.Errorf("problem %s (hint %q), want an error at %v with %q and a hint", d, d.Hint, tt.errs[i], tt.errHas)
				}
			}
		})
	}
}

// The JSON Schema an editor checks with takes what the loader takes for
// dotenv, and refuses what it refuses.
func TestDotEnvInTheJSONSchema(t *testing.T) {
	sch := compiledJSONSchema(t)
	const nodes = "\nnodes:\n  a: {module: echo}\n"
	for _, good := range []string{"dotenv: .env", "dotenv: [.env, ../x.env]", "dotenv:"} {
		if err := sch.Validate(yamlToJSON(t, []byte(good+nodes))); err != nil {
			t.Errorf("JSON Schema refuses %q: %v", good, err)
		}
	}
	for _, bad := range []string{"dotenv: 1", "dotenv: [.env, true]", "dotenv: {file: .env}", `dotenv: ""`} {
		if err := sch.Validate(yamlToJSON(t, []byte(bad+nodes))); err == nil {
			t.Errorf("JSON Schema accepts %q", bad)
		}
	}
}
