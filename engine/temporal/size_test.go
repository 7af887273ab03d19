package temporal_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
)

// Two outputs that each fit Temporal's payload limit, given together to
// one node: its task does not fit. The node fails, without retry, saying
// which inputs make it large; the run goes on (the server refused the
// task, the workflow task failed again and again, and the run stopped
// for good, a cancel with it).
func TestInputsOverThePayloadLimit(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: big_inputs
nodes:
  m1: {module: exec, with: {command: [sh, -c, 'printf "{\"blob\": \""; head -c 1200000 /dev/zero | tr "\\0" x; printf "\"}"']}}
  m2: {module: exec, with: {command: [sh, -c, 'printf "{\"blob\": \""; head -c 1200000 /dev/zero | tr "\\0" y; printf "\"}"']}}
  both:
    module: exec
    needs: [m1, m2]
    retries: 2
    with:
      command: [sh, -c, 'echo "{}"']
      json_stdin: true
      a: ${{ nodes.m1.outputs.blob }}
      b: ${{ nodes.m2.outputs.blob }}
  after: {module: echo, needs: both, when: always(), with: {x: 1}}
  below: {module: echo, needs: both, with: {x: 1}}
`
	rec := submit(t, c, q, src, nil, 0)
	n := nodeIs(t, rec, "both", engine.StatusError, "inputs are 2.4 MB of JSON (with.a 1.2 MB, with.b 1.2 MB), over the 2.1 MB Temporal takes in one payload: write large data to a file")
	if n.Attempts != 1 {
		t.Errorf("both was tried %d times: inputs too large are not retried", n.Attempts)
	}
	nodeIs(t, rec, "after", engine.StatusSuccess, "")
	nodeIs(t, rec, "below", engine.StatusSkipped, "need both failed")
	replay(t, c, rec.ID)
}

// A run whose config Temporal would refuse is not started: the error says
// which value is too large and what to do, not the server's "Blob data
// size exceeds limit".
func TestRunInputOverThePayloadLimit(t *testing.T) {
	c := server(t)
	in := runInput(t, "name: big_config\nconfig:\n  BLOB: ''\nnodes:\n  a: {module: echo, with: {x: 1}}\n",
		map[string]any{"BLOB": strings.Repeat("z", 2_500_000)})
	in.Env = map[string]string{"SMALL": "1"}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := temporal.Submit(ctx, c, in, queue(t), 0)
	if err == nil {
		c.TerminateWorkflow(ctx, in.RunID, "", "test over")
		t.Fatal("a run of 2.5 MB of config started")
	}
	if !errors.Is(err, temporal.ErrTooLarge) || !strings.Contains(err.Error(), "(config BLOB 2.5 MB)") ||
		!strings.Contains(err.Error(), "pass large data by path") {
		t.Errorf("error %q: want it to name config BLOB and say to pass data by path", err)
	}
}

// Nodes whose messages are each under their bound but together over the
// record's: the run ends, their messages cut (the workflow's result was
// refused, again and again).
func TestMessagesOverTheRecordLimit(t *testing.T) {
	c, q := onWorker(t)
	items := make([]string, 30)
	for i := range items {
		items[i] = strconv.Itoa(i)
	}
	src := `
name: chatty
nodes:
  talk:
    module: exec
    foreach: [` + strings.Join(items, ", ") + `]
    with: {command: [sh, -c, 'printf "{\"message\": \""; head -c 60000 /dev/zero | tr "\\0" a; printf "\"}"']}
`
	rec := submit(t, c, q, src, nil, 0)
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s (%s)", rec.Status, rec.Reason)
	}
	cut := 0
	for _, item := range items {
		n := nodeIs(t, rec, "talk["+item+"]", engine.StatusSuccess, "")
		if strings.HasSuffix(n.Message, "(60000 bytes; the rest is left out of a run's record on Temporal)") && len(n.Message) < 8<<10 {
			cut++
		}
	}
	// 30 messages of 60 kB against a record of at most 1.5 MB.
	if cut < 6 {
		t.Errorf("%d messages cut, want enough for the record to fit", cut)
	}
	replay(t, c, rec.ID)
}

// A pipeline whose own outputs copy its nodes' big outputs: each fits its
// bound, the record with both did not, and a run whose result Temporal
// refuses hangs with every node done. The outputs are left out, saying so.
func TestPipelineOutputsOverTheRecordLimit(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: copies
nodes:
  a: {module: echo, with: {s: "${{ repeat('x', 1200000) }}"}}
  b: {module: echo, with: {s: "${{ repeat('y', 1200000) }}"}}
outputs:
  xa: ${{ nodes.a.outputs.s }}
  xb: ${{ nodes.b.outputs.s }}
`
	rec := submit(t, c, q, src, nil, 0)
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s (%s)", rec.Status, rec.Reason)
	}
	if note, _ := rec.Outputs["cut"].(string); !strings.Contains(note, "the pipeline's outputs, 2.4 MB, are left out") {
		t.Errorf("outputs %.200v: want them cut, saying so", rec.Outputs)
	}
	replay(t, c, rec.ID)
}
