package temporal

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// attemptTail runs one node attempt as the worker's activity does, on a
// worker that logs warnings only, and returns the tail of its output that
// goes back with its result, or with its failure.
func attemptTail(t *testing.T, task engine.Task) (*OutputTail, error) {
	t.Helper()
	acts := &Activities{Registry: modules.Default, Worker: "w1", RunsDir: t.TempDir(),
		Logger: slog.New(slog.NewTextHandler(new(strings.Builder), &slog.HandlerOptions{Level: slog.LevelWarn}))}
	env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
	env.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
	payload, err := encodeTask(task, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	val, runErr := env.ExecuteActivity(ActivityName, payload)
	if runErr != nil {
		return failedTail(runErr), runErr
	}
	var res []byte
	if err := val.Get(&res); err != nil {
		t.Fatal(err)
	}
	var w outputWire
	if err := json.Unmarshal(res, &w); err != nil {
		t.Fatal(err)
	}
	return w.Output, nil
}

func TestAttemptSendsTheEndOfItsOutput(t *testing.T) {
	const secret = "hunter2-tail"
	near := maxOutputJSON - 4<<10 // outputs that fit, but not with a tail
	tests := []struct {
		name    string
		script  string
		fails   bool
		lines   int // how many lines come back
		earlier int
		first   string // the first line that comes back, its stream
		stream  string
		noLines bool
	}{
		{name: "quiet", script: `true`, lines: 0},
		{name: "few lines, both streams", script: `echo one; echo two >&2; echo '{"x": 1}'`,
			lines: 3, first: "one", stream: "stdout"},
		{name: "more lines than kept", script: `i=0; while [ $i -lt 1000 ]; do echo "n $i" >&2; i=$((i+1)); done`,
			lines: maxTailLines, earlier: 1000 - maxTailLines, first: "n 800", stream: "stderr"},
		{name: "more bytes than kept", script: `i=0; while [ $i -lt 100 ]; do printf '%0999d\n' $i; i=$((i+1)); done`,
			lines: maxTailBytes / 1000, earlier: 100 - maxTailBytes/1000},
		{name: "a secret", script: `echo "key ` + secret + `"`, lines: 1, first: "key ***", stream: "stdout"},
		{name: "failed", script: `echo "why it fails" >&2; exit 3`, fails: true, lines: 1, first: "why it fails", stream: "stderr"},
		// earlier: more than 100 (the blob's line comes in pieces of about
		// 64 KiB, as many lines).
		{name: "outputs near the payload limit", noLines: true, earlier: -1,
			script: fmt.Sprintf(`i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done; printf '{"blob": "'; head -c %d /dev/zero | tr '\0' a; printf '"}\n'`, near)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := engine.Task{Run: "r1", Node: "n", Module: "exec", Attempt: 1, Secrets: []string{secret},
				With: map[string]any{"command": []any{"sh", "-c", tt.script}}}
			tail, err := attemptTail(t, task)
			if (err != nil) != tt.fails {
				t.Fatalf("attempt: %v, want failed %v", err, tt.fails)
			}
			if tt.lines == 0 && !tt.noLines {
				if tail != nil {
					t.Errorf("a quiet program's tail: %+v, want none", tail)
				}
				return
			}
			if tail == nil {
				t.Fatal("no tail came back")
			}
			if tt.earlier < 0 {
				// The tail gave way to the outputs: the attempt succeeded
				// (above) with most lines cut. How many of the blob's
				// pieces are left depends on how the pipe's reads split it
				// (a last piece of a few bytes may still fit).
				if tail.Earlier <= 100 || len(tail.Streams) != len(tail.Lines) {
					t.Errorf("%d lines (%d streams), %d earlier; want more than 100 earlier", len(tail.Lines), len(tail.Streams), tail.Earlier)
				}
			} else if len(tail.Lines) != tt.lines || tail.Earlier != tt.earlier || len(tail.Streams) != len(tail.Lines) {
				t.Errorf("%d lines (%d streams), %d earlier; want %d, %d earlier", len(tail.Lines), len(tail.Streams), tail.Earlier, tt.lines, tt.earlier)
			}
			if tt.first != "" && (len(tail.Lines) == 0 || tail.Lines[0] != tt.first || tail.Stream(0) != tt.stream) {
				t.Errorf("lines %q (streams %q), want the first %q on %s", tail.Lines, tail.Streams, tt.first, tt.stream)
			}
			if !strings.HasSuffix(tail.LogFile, "n.log") {
				t.Errorf("log file %q, want the node's", tail.LogFile)
			}
			if b, _ := json.Marshal(tail); strings.Contains(string(b), secret) {
				t.Errorf("the secret shows: %s", b)
			}
		})
	}
}

// A failure's details hold its outputs first, where a workflow of an
// earlier pipe reads them, then the tail; the tail gives way when both
// would be over the payload limit.
func TestFailureDetails(t *testing.T) {
	tail := &OutputTail{Lines: []string{"a", "b"}, Streams: "oe", Earlier: 3, LogFile: "x.log"}
	small := json.RawMessage(`{"exit_code":3}`)
	large := json.RawMessage(`{"b":"` + strings.Repeat("a", maxOutputJSON-20) + `"}`)
	tests := []struct {
		name   string
		values json.RawMessage
		tail   *OutputTail
		want   *OutputTail
	}{
		{"outputs and tail", small, tail, tail},
		{"tail alone", nil, tail, tail},
		{"outputs alone", small, nil, nil},
		{"outputs near the limit", large, tail, &OutputTail{Earlier: 5, LogFile: "x.log"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := temporal.NewApplicationErrorWithOptions("failed", errModule, temporal.ApplicationErrorOptions{Details: tailDetails(tt.values, tt.tail)})
			// As the workflow gets it: through the data converter.
			err = temporal.GetDefaultFailureConverter().FailureToError(temporal.GetDefaultFailureConverter().ErrorToFailure(err))
			got := failedTail(err)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("tail %+v, want %+v", got, tt.want)
			}
			var app *temporal.ApplicationError
			var values json.RawMessage
			if tt.values != nil && (!errors.As(err, &app) || app.Details(&values) != nil || len(values) != len(tt.values)) {
				t.Errorf("the outputs do not come first (%d bytes, want %d)", len(values), len(tt.values))
			}
		})
	}
}
