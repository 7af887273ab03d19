package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A read of an output its node did not give fails the node that reads it
// in any expression, not only in a `when`: in `with`, in a `foreach`,
// of a foreach node's outputs. It keeps its meaning where the node did
// not succeed (it gave none to read), and where the module declares the
// output (validate checked the name: it is absent this time).
func TestReadingAMissingOutput(t *testing.T) {
	tests := []struct {
		name  string
		nodes string // the nodes after check, which gives ready and nothing (null)
		want  map[string]want
	}{
		{
			name:  "a whole input",
			nodes: "  use: {module: echo, needs: check, with: {x: '${{ nodes.check.outputs.redy }}'}}\n",
			want: map[string]want{"use": {engine.StatusError,
				`test.yaml:4:72: input x: ${{ nodes.check.outputs.redy }}: check gave no output redy (it gave outputs nothing, ready); did you mean "ready"?; write nodes.check.outputs.redy ?? <default> if it may be absent`}},
		},
		{
			name:  "inside a string",
			nodes: "  use: {module: echo, needs: check, with: {x: 'is ${{ nodes.check.outputs.redy }}'}}\n",
			want:  map[string]want{"use": {engine.StatusError, "input x: ${{ nodes.check.outputs.redy }}: check gave no output redy"}},
		},
		{
			name:  "a default given",
			nodes: "  use: {module: echo, needs: check, with: {x: '${{ nodes.check.outputs.redy ?? \"no\" }}'}}\n",
			want:  map[string]want{"use": {engine.StatusSuccess, ""}},
		},
		{
			name:  "a foreach",
			nodes: "  use: {module: echo, needs: check, foreach: '${{ nodes.check.outputs.itemz }}'}\n",
			want:  map[string]want{"use": {engine.StatusError, "foreach: ${{ nodes.check.outputs.itemz }}: check gave no output itemz (it gave outputs nothing, ready)"}},
		},
		{
			name:  "a foreach node's outputs",
			nodes: "  fan: {module: echo, foreach: [1, 2], with: {ok: true}}\n  use: {module: echo, needs: fan, when: 'config.GO && all(nodes.fan.outputs.okk, # == true)'}\n",
			want:  map[string]want{"use": {engine.StatusError, `fan gave no output okk (its instances gave outputs ok); did you mean "ok"?`}},
		},
		{
			name:  "an instance's input",
			nodes: "  use: {module: echo, needs: check, foreach: [1, 2], with: {x: '${{ nodes.check.outputs.redy }}'}}\n",
			want:  map[string]want{"use[1]": {engine.StatusError, "check gave no output redy"}},
		},
		{
			name:  "a node that failed gave none to read",
			nodes: "  bad: {module: fail, continue_on_error: true}\n  use: {module: echo, needs: bad, when: 'config.GO && nodes.bad.outputs.ready == nil'}\n",
			want:  map[string]want{"use": {engine.StatusSuccess, ""}},
		},
		{
			name:  "a node that was skipped gave none to read",
			nodes: "  off: {module: echo, when: config.NO}\n  use: {module: echo, needs: off, when: 'always() && !nodes.off.outputs.ready'}\n",
			want:  map[string]want{"use": {engine.StatusError, "! takes true or false, not null"}},
		},
		{
			name:  "a node that gave no outputs",
			nodes: "  quiet: {module: echo}\n  use: {module: echo, needs: quiet, when: 'config.GO && nodes.quiet.outputs.ready'}\n",
			want:  map[string]want{"use": {engine.StatusError, "quiet gave no output ready (it gave no outputs)"}},
		},
		{
			name:  "an output its module declares, not given this time",
			nodes: "  some: {module: declares}\n  use: {module: echo, needs: some, when: 'config.GO && nodes.some.outputs.extra == nil', with: {x: '${{ nodes.some.outputs.extra }}'}}\n",
			want:  map[string]want{"use": {engine.StatusSuccess, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			tm.reg.Register(modules.Info{Name: "declares", Description: "declares two outputs, gives one",
				Outputs: []modules.Field{{Name: "main", Type: modules.Int}, {Name: "extra", Type: modules.Int}},
				New: func() modules.Module {
					return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
						return &modules.Output{Values: map[string]any{"main": 1}}, nil
					})
				}})
			src := "config: {GO: true, NO: false}\nnodes:\n  check: {module: echo, with: {ready: true, nothing: null}}\n" + tt.nodes
			rec := tm.run(t, src, engine.Options{})
			for id, w := range tt.want {
				n := rec.Nodes[id]
				if n == nil {
					t.Fatalf("no node %s in the record", id)
				}
				if n.Status != w.status || !strings.Contains(n.Reason+" "+n.Message, w.reason) {
					t.Errorf("%s %s (%s; %s), want %s with %q", id, n.Status, n.Reason, n.Message, w.status, w.reason)
				}
			}
		})
	}
}

// A sub-pipeline's output that reads an output its node did not give
// fails the pipeline node, at the output's place in the sub-pipeline's
// file.
func TestSubPipelineOutputReadingAMissingOutput(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"sub.yaml":    "name: sub\nnodes:\n  a: {module: echo, with: {n: 1}}\noutputs:\n  n: ${{ nodes.a.outputs.m }}\n",
		"parent.yaml": "name: parent\nnodes:\n  s: {module: pipeline, with: {file: sub.yaml}}\n",
	})
	plan, err := engine.Load(filepath.Join(dir, "parent.yaml"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := rec.Nodes["s"]
	if n.Status != engine.StatusError || !strings.Contains(n.Reason+" "+n.Message, "sub.yaml:5:26: output n of pipeline sub: ${{ nodes.a.outputs.m }}: a gave no output m (it gave outputs n)") {
		t.Errorf("s %s (%s; %s), want an error naming the output a did not give", n.Status, n.Reason, n.Message)
	}
}
