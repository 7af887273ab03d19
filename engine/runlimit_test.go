package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A run's outputs, all its nodes' together, are bounded: the node whose
// outputs would cross the bound fails, once (another attempt would give
// the same), and the run goes on as for any failed node. big's outputs
// are {"data": <size bytes>, "log": ""}: size+20 bytes of JSON.
func TestRunValuesLimit(t *testing.T) {
	const limit = 10_000
	const crossed = "outputs of 3.0 kB would bring the outputs of the run to 12.1 kB, over its 10.0 kB limit for values: write large data to a file and output its path"
	chain := `
  a: {module: big, with: {size: 3000}}
  b: {module: big, needs: a, with: {size: 3000}}
  c: {module: big, needs: b, with: {size: 3000}}
`
	tests := []struct {
		name   string
		nodes  string
		run    engine.Status
		status map[string]engine.Status
		msg    map[string]string // a node's message holds this
		noData []string          // nodes whose record has no outputs
	}{
		{
			name:   "under the limit",
			nodes:  chain,
			run:    engine.StatusSuccess,
			status: map[string]engine.Status{"a": engine.StatusSuccess, "b": engine.StatusSuccess, "c": engine.StatusSuccess},
		},
		{
			name: "the node that crosses it fails, without retry",
			nodes: chain + `  d: {module: big, needs: c, retries: 2, with: {size: 3000}}
  below: {module: echo, needs: d}
  cleanup: {module: echo, needs: d, when: always()}
  on_failure: {module: echo, needs: d, when: failure()}
`,
			run: engine.StatusError,
			status: map[string]engine.Status{"c": engine.StatusSuccess, "d": engine.StatusError, "below": engine.StatusSkipped,
				"cleanup": engine.StatusSuccess, "on_failure": engine.StatusSuccess},
			msg:    map[string]string{"d": crossed},
			noData: []string{"d"},
		},
		{
			name:   "continue_on_error",
			nodes:  chain + "  d: {module: big, needs: c, continue_on_error: true, with: {size: 3000}}\n  below: {module: echo, needs: d}\n",
			run:    engine.StatusSuccess,
			status: map[string]engine.Status{"d": engine.StatusError, "below": engine.StatusSuccess},
			msg:    map[string]string{"d": crossed},
			noData: []string{"d"},
		},
		{
			name: "an instance counts twice, for its node's fan-in",
			nodes: `
  f: {module: big, foreach: [1, 2, 3], max_parallel: 1, with: {size: 2000}}
  after: {module: echo, needs: f, when: always(), with: {n: "${{ len(filter(nodes.f.outputs.data, # != nil)) }}"}}
`,
			run:    engine.StatusError,
			status: map[string]engine.Status{"f[1]": engine.StatusSuccess, "f[2]": engine.StatusSuccess, "f[3]": engine.StatusError, "f": engine.StatusError, "after": engine.StatusSuccess},
			msg: map[string]string{
				"f[3]": "outputs of 2.0 kB (twice: its node's fan-in lists them again) would bring the outputs of the run to 12.1 kB, over its 10.0 kB limit",
				"f":    "1 error",
			},
			noData: []string{"f[3]"},
		},
		{
			name:   "a failed node's outputs are dropped",
			nodes:  "\n  a: {module: big, with: {size: 20000, kind: fail}}\n",
			run:    engine.StatusError,
			status: map[string]engine.Status{"a": engine.StatusError},
			msg:    map[string]string{"a": "failed; its outputs were dropped: outputs of 20.0 kB would bring the outputs of the run to 20.0 kB, over its 10.0 kB limit"},
			noData: []string{"a"},
		},
	}
	reg := modules.NewRegistry()
	reg.Register(bigModule())
	echo, _ := modules.Default.Lookup("echo")
	reg.Register(*echo)
	eng := engine.New(reg)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := engine.Parse("limit.yaml", []byte("name: limit\nnodes:"+tt.nodes), reg)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := eng.Run(context.Background(), plan, engine.WithValueLimit(engine.Options{MaxParallel: 1}, limit))
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != tt.run {
				t.Errorf("run %s (%s), want %s", rec.Status, rec.Reason, tt.run)
			}
			for id, want := range tt.status {
				if n := rec.Nodes[id]; n == nil {
					t.Errorf("%s: not in the record", id)
				} else if n.Status != want {
					t.Errorf("%s: %s (%.200s), want %s", id, n.Status, n.Message, want)
				}
			}
			for id, want := range tt.msg {
				if n := rec.Nodes[id]; n != nil && !strings.Contains(n.Message, want) {
					t.Errorf("%s: message %.200q, want it to hold %q", id, n.Message, want)
				}
			}
			for _, id := range tt.noData {
				if n := rec.Nodes[id]; n != nil && n.Outputs["data"] != nil {
					t.Errorf("%s: the record keeps its outputs over the run's limit", id)
				}
			}
			for id, n := range rec.Nodes {
				if strings.Contains(n.Message, "the outputs of the run") && n.Attempts != 1 {
					t.Errorf("%s: %d attempts: outputs over the run's limit are not retried", id, n.Attempts)
				}
			}
			if n := rec.Nodes["after"]; n != nil && n.Outputs["n"] != 2 {
				t.Errorf("after read %v instances' data, want the 2 that fit", n.Outputs["n"])
			}
		})
	}
}

// The error says what it is: errors.Is finds engine.ErrRunValues.
func TestRunValuesErrorIs(t *testing.T) {
	err := error(&engine.RunValuesError{Size: 4 << 20, Total: 300 << 20, Limit: engine.MaxRunValueBytes})
	if !errors.Is(err, engine.ErrRunValues) {
		t.Errorf("errors.Is(%v, ErrRunValues) is false", err)
	}
	if want := "outputs of 4.2 MB would bring the outputs of the run to 314.6 MB, over its 256 MiB limit for values: write large data to a file and output its path"; err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
}
