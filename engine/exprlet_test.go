package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// The names an expression binds itself (let's variables in their scope,
// closures' #, #index, #acc and .field) pass validate and run; a name bound
// nowhere is an error, also beside a let and outside its scope.
func TestExprBoundNames(t *testing.T) {
	for _, tc := range []struct {
		x    string
		want string // the value b's input v gets; "" when validate refuses x
		err  string // the first diagnostic, when validate refuses x
	}{
		{x: "let y = config.N; y * 2", want: "6"},
		{x: "let y = config.N; let z = y + 1; y * z", want: "12"},
		{x: "let n = nodes.a.outputs.n; n + config.N", want: "6"},
		{x: "let s = config.E; upper(s) + s", want: `"YESyes"`},
		{x: "let y = 10; map([1, 2], # + y)", want: "[11,12]"},
		{x: "let y = 10; sum(map([1, 2], let z = # * 2; z + y))", want: "26"},
		{x: "map([1, 2], # * config.N)", want: "[3,6]"},
		{x: "map([5, 6], #index)", want: "[0,1]"},
		{x: "reduce([1, 2, 3], #acc + #, 0)", want: "6"},
		{x: "filter([{'k': 1}, {'k': 0}], .k > 0)[0].k", want: "1"},
		{x: "let y = 1; y + zz", err: `unknown name "zz"`},
		{x: "let y = y; 1", err: `unknown name "y"`},
		{x: "let y = nodes.zz.status; y", err: `unknown node "zz"`},
		{x: "let y = config.M; y", err: `unknown config key "M"`},
		{x: "map([1], let y = #; y) + [y]", err: `unknown name "y"`},
		{x: "y * 2", err: `unknown name "y"`},
		{x: "let n = nodes.a; n.outputs.n", want: "3"},
		// Bound whole, nodes would name no node: it read "" for a success.
		{x: "let n = nodes; n.a.status", err: "let cannot bind nodes whole: an expression reads the nodes it names"},
	} {
		t.Run(tc.x, func(t *testing.T) {
			src := strings.Replace(exprPipeline(tc.x, false), `"x ${{ `, `"${{ `, 1)
			src = strings.Replace(src, "    with: {v:", "    outputs: [v]\n    with: {v:", 1)
			plan, err := engine.Parse("m.yaml", []byte(src), modules.Default)
			if tc.err != "" {
				var diags schema.Diagnostics
				if !errors.As(err, &diags) || len(diags) == 0 {
					t.Fatalf("validate took it (err %v), want %s", err, tc.err)
				}
				if diags[0].Message != tc.err {
					t.Errorf("got %s, want %s", diags[0].Message, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			b := rec.Nodes["b"]
			if b.Status != "success" {
				t.Fatalf("b %s: %s", b.Status, b.Reason)
			}
			if got, _ := json.Marshal(b.Outputs["v"]); string(got) != tc.want {
				t.Errorf("v = %s, want %s", got, tc.want)
			}
		})
	}
}
