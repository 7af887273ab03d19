package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// A plan built in code may leave out what the loader fills in, or hold
// what no file can: it compiles, or says what is wrong, and never panics.
func TestPlansBuiltInCode(t *testing.T) {
	echo := func(id string, needs ...string) *schema.Node {
		n := &schema.Node{ID: id, Module: "echo"}
		for _, need := range needs {
			n.Needs = append(n.Needs, schema.Ref{ID: need})
		}
		return n
	}
	tests := []struct {
		name string
		p    *schema.Pipeline
		err  string // "" when it runs
	}{
		{"no source", &schema.Pipeline{Name: "code", Nodes: []*schema.Node{echo("a"), echo("b", "a")}}, ""},
		{"module from the id", &schema.Pipeline{Nodes: []*schema.Node{{ID: "echo"}}}, ""},
		{"config", &schema.Pipeline{Config: []schema.ConfigVar{{Key: "X", Value: 2}}, Nodes: []*schema.Node{{ID: "a", Module: "echo", When: "config.X > 1"}}}, ""},
		{"no nodes", &schema.Pipeline{}, ""},
		{"nil node", &schema.Pipeline{Nodes: []*schema.Node{echo("a"), nil}}, "(built in code): node 1 of the pipeline is nil"},
		{"bad id", &schema.Pipeline{Nodes: []*schema.Node{echo("a-b")}}, `node id "a-b" is not an identifier`},
		{"same id twice", &schema.Pipeline{Nodes: []*schema.Node{echo("a"), echo("a")}}, "node id a is used twice"},
		{"unknown need", &schema.Pipeline{Nodes: []*schema.Node{echo("a", "b")}}, `node a needs unknown node "b"`},
		{"unknown module", &schema.Pipeline{Nodes: []*schema.Node{{ID: "a", Module: "nope"}}}, `unknown module "nope"`},
		{"cycle", &schema.Pipeline{Nodes: []*schema.Node{echo("a", "b"), echo("b", "a")}}, "cycle"},
		{"bad base_dir", &schema.Pipeline{BaseDir: "no/such/dir", Nodes: []*schema.Node{echo("a")}}, "base_dir \"no/such/dir\": no such directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, diags := engine.Compile(tt.p, modules.Default)
			if tt.err != "" {
				if plan != nil || !strings.Contains(diags.Error(), tt.err) {
					t.Fatalf("Compile: plan %v, diagnostics %v; want %q", plan != nil, diags, tt.err)
				}
				return
			}
			if len(diags) > 0 {
				t.Fatal(diags)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
			if err != nil || rec.Status != engine.StatusSuccess {
				t.Fatalf("Run: %v %+v", err, rec)
			}
		})
	}
}
