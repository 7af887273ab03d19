package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/pipe-run/pipe/schema"
)

func parse(t *testing.T, src string) *schema.Pipeline {
	t.Helper()
	p, diags := schema.Parse("test.yaml", []byte(src))
	if len(diags) > 0 {
		t.Fatalf("parse: %v", diags)
	}
	return p
}

func TestWhenRebuiltFromTag(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"when: !config.ENABLE_DANGEROUS_AI", "!config.ENABLE_DANGEROUS_AI"},
		{"when: !config.X == false", "!config.X == false"},
		{"when: !!config.X", "!!config.X"},
		{"when: '!config.X && config.Y'", "!config.X && config.Y"},
		{"when: config.N > 2", "config.N > 2"},
		{"when: true", "true"},
		{"when: !config.A and !config.B", "!config.A and !config.B"},
		// A space after the ! is YAML's non-specific tag: still the negation.
		{"when: ! config.A", "! config.A"},
		{"when: !  config.A || config.B", "! config.A || config.B"},
		{"when: ! 'config.A'", "! config.A"},
		{"when: '! config.A'", "! config.A"},
	}
	for _, tt := range tests {
		p := parse(t, "nodes:\n  a:\n    "+tt.yaml+"\n")
		if got := p.Nodes[0].When; got != tt.want {
			t.Errorf("%s: when = %q, want %q", tt.yaml, got, tt.want)
		}
	}
}

func TestDefaultsAndFields(t *testing.T) {
	p := parse(t, `
name: demo
description: d
max_parallel: 3
timeout: 1h
config:
  FLAG: true
  N: 2
  R: 0.5
  S: text
  NOTHING:
x-defaults: &defaults
  module: echo
  retries: {limit: 2, backoff: 10ms, factor: 3, max_backoff: 50ms}
nodes:
  a:
    <<: *defaults
    needs: b
    timeout: 90s
    continue_on_error: true
    dangerous: true
    description: first
  b:
`)
	a, b := p.Nodes[0], p.Nodes[1]
	if p.Name != "demo" || p.MaxParallel != 3 || p.Timeout != time.Hour {
		t.Errorf("pipeline fields: %+v", p)
	}
	wantCfg := []any{true, 2, 0.5, "text", nil}
	for i, c := range p.Config {
		if c.Value != wantCfg[i] {
			t.Errorf("config %s = %#v, want %#v", c.Key, c.Value, wantCfg[i])
		}
	}
	if a.Module != "echo" || a.Needs[0].ID != "b" || a.Timeout != 90*time.Second || !a.ContinueOnError || !a.Dangerous {
		t.Errorf("node a: %+v", a)
	}
	if a.Retry.Limit != 2 || a.Retry.Delay(1) != 10*time.Millisecond || a.Retry.Delay(2) != 30*time.Millisecond || a.Retry.Delay(3) != 50*time.Millisecond {
		t.Errorf("retry of a: %+v delays %v %v %v", a.Retry, a.Retry.Delay(1), a.Retry.Delay(2), a.Retry.Delay(3))
	}
	if b.Module != "b" || b.Retry.Limit != 0 || b.Retry.Backoff != schema.DefaultBackoff {
		t.Errorf("node b (empty) = %+v", b)
	}
}

func TestTemplatesArePositioned(t *testing.T) {
	p := parse(t, `nodes:
  a:
    with:
      plain: ${{ config.X }}
      quoted: "v=${{ config.X }}"
      list: [x, "${{ config.Y }}"]
      none: just text
`)
	var got []string
	for _, in := range p.Nodes[0].With {
		for _, tpl := range in.Templates {
			got = append(got, fmt.Sprintf("%s%s@%d:%d", in.Key, tpl.Path, tpl.Pos.Line, tpl.Pos.Col))
		}
	}
	want := []string{"plain@4:14", "quoted@5:16", "list[1]@6:18"}
	if !slices.Equal(got, want) {
		t.Errorf("templates %v, want %v", got, want)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"needs", "module", "when", "with", "timeout", "retries"}
	for word, want := range map[string]string{"need": "needs", "modul": "module", "wen": "when", "retrys": "retries", "zzz": "", "WITH": "with", "deps": "needs", "tiemout": "timeout"} {
		if got := schema.Suggest(word, cands); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", word, got, want)
		}
	}
	// Three of four letters changed: no one meant it.
	if got := schema.Suggest("NOPE", []string{"GOOS", "GOARCH", "VERSION"}); got != "" {
		t.Errorf("Suggest(NOPE) = %q, want none", got)
	}
}

// TestJSONSchemaMatchesLoader keeps schema/pipeline.schema.json and the keys
// the loader accepts in step.
func TestJSONSchemaMatchesLoader(t *testing.T) {
	var doc struct {
		Properties map[string]any `json:"properties"`
		Defs       struct {
			Node struct {
				Properties map[string]struct {
					OneOf []struct {
						Properties map[string]any `json:"properties"`
					} `json:"oneOf"`
				} `json:"properties"`
			} `json:"node"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(schema.JSONSchema, &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	sorted := func(s []string) []string { s = slices.Clone(s); sort.Strings(s); return s }
	if got := keys(doc.Properties); !slices.Equal(got, sorted(schema.PipelineKeys)) {
		t.Errorf("schema pipeline keys %v, loader %v", got, sorted(schema.PipelineKeys))
	}
	var nodeKeys []string
	for k := range doc.Defs.Node.Properties {
		nodeKeys = append(nodeKeys, k)
	}
	sort.Strings(nodeKeys)
	if !slices.Equal(nodeKeys, sorted(schema.NodeKeys)) {
		t.Errorf("schema node keys %v, loader %v", nodeKeys, sorted(schema.NodeKeys))
	}
	retry := doc.Defs.Node.Properties["retries"].OneOf[1].Properties
	if got := keys(retry); !slices.Equal(got, sorted(schema.RetryKeys)) {
		t.Errorf("schema retry keys %v, loader %v", got, sorted(schema.RetryKeys))
	}
}

// TestPipelinesPassTheJSONSchema checks that what the loader accepts, an
// editor's JSON Schema accepts too, and that it rejects what it must.
func TestPipelinesPassTheJSONSchema(t *testing.T) {
	sch := compiledJSONSchema(t)
	files, _ := filepath.Glob("../pipelines/*.yaml")
	more, _ := filepath.Glob("../testdata/good/*.yaml")
	files = append(files, more...)
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if err := sch.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, bad := range []string{
		"nodes: {a: {need: b}}",
		"nodes: {a: {retries: -1}}",
		"nodes: {a: {timeout: 5 minutes}}",
		"name: x",
		"nodes: {bad-id: {}}",
	} {
		if err := sch.Validate(yamlToJSON(t, []byte(bad))); err == nil {
			t.Errorf("JSON Schema accepts %q", bad)
		}
	}
}

// compiledJSONSchema is schema/pipeline.schema.json, ready to validate.
func compiledJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSONSchema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("pipeline.schema.json", raw); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("pipeline.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzLoad feeds the loader arbitrary bytes: it must end, with a pipeline or
// diagnostics, never a panic.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/*/*.yaml")
	more, _ := filepath.Glob("../pipelines/*.yaml")
	for _, s := range append(seeds, more...) {
		data, err := os.ReadFile(s)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("nodes:\n  a:\n    when: !x\n    with: {a: &a [1], b: *a}\n"))
	// Long lines and keys: a line past 64 KiB with a syntax error, keys
	// just past YAML's 1024 characters, plain, quoted and in flow.
	f.Add([]byte("nodes:\n  a:\n    with: {v: \"" + strings.Repeat("x", 66<<10) + "\", w: [1, 2}\n"))
	f.Add([]byte("nodes:\n  a:\n    with:\n      " + strings.Repeat("k", 1025) + ": 1\n"))
	f.Add([]byte("x-a: {'" + strings.Repeat("k", 1030) + "': 1, " + strings.Repeat("é", 1025) + ": 2}\nnodes: {a: {}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, diags := schema.Parse("fuzz.yaml", data)
		if p == nil {
			t.Fatal("Parse returned no pipeline")
		}
		for _, d := range diags {
			if d.Message == "" || d.File != "fuzz.yaml" {
				t.Fatalf("bad diagnostic %+v", d)
			}
			_ = d.Long()
		}
	})
}

func TestIsIdentifier(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, "_": true, "fit_2": true, "A9_b": true, "ENABLE_DANGEROUS_AI": true,
		"": false, "9a": false, "a-b": false, "a.b": false, "a b": false, "é": false, "fit[0]": false,
	} {
		if got := schema.IsIdentifier(s); got != want {
			t.Errorf("IsIdentifier(%q) = %v, want %v", s, got, want)
		}
	}
}

// The retry waits: a max_backoff written alone bounds the first wait too;
// backoff alone past the default bound raises the bound.
func TestRetryWaits(t *testing.T) {
	for _, tt := range []struct {
		retries           string
		backoff, maxBound time.Duration
	}{
		{"{limit: 2, max_backoff: 500ms}", 500 * time.Millisecond, 500 * time.Millisecond},
		{"{limit: 2, backoff: 30m}", 30 * time.Minute, 30 * time.Minute},
		{"{limit: 2, backoff: 2s, max_backoff: 1m}", 2 * time.Second, time.Minute},
		{"3", schema.DefaultBackoff, schema.DefaultMaxBackoff},
	} {
		p, diags := schema.Parse("r.yaml", []byte("nodes:\n  a: {module: echo, retries: "+tt.retries+"}\n"))
		if len(diags) > 0 {
			t.Fatalf("%s: %v", tt.retries, diags)
		}
		if r := p.Nodes[0].Retry; r.Backoff != tt.backoff || r.MaxBackoff != tt.maxBound {
			t.Errorf("retries %s: backoff %s, max_backoff %s; want %s, %s", tt.retries, r.Backoff, r.MaxBackoff, tt.backoff, tt.maxBound)
		}
	}
}
