package temporal

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/schema"
)

// Why a worker cannot compile a run says what to do about it: a module
// its pipe lacks, a file it does not have where the client had it (a
// worker started in a subdirectory, or in another checkout, said only "no
// such file"), or a rule of its pipe's that the client's did not have.
func TestCannotCompileSaysWhatToDo(t *testing.T) {
	src := schema.NewSource("p.yaml", []byte("name: p\nnodes:\n  a: {module: x}\n"))
	for _, tt := range []struct {
		msg, want string
	}{
		{`unknown module "echo"`, "its pipe lacks it"},
		{`node k: pipeline file "p/sub.yaml": no such file`, "start workers at the root of the same checkout"},
		{"node a has both foreach and matrix", "this worker's pipe refuses it"},
	} {
		got := cannotCompile("p.yaml", schema.Diagnostics{src.Diag(schema.Pos{Line: 3, Col: 6}, "", "%s", tt.msg)})
		if !strings.Contains(got, tt.msg) || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s, want it to say %q", tt.msg, got, tt.want)
		}
	}
}

// A workflow task that fails because this worker cannot compile the run
// is one line in the worker's log: the reason, with the run and the
// attempt. It was the SDK's two, one with a stack of goroutine frames
// for a panic pipe makes on purpose. The SDK's other lines, and a panic
// of another cause, keep their words and stack.
func TestCannotCompileIsOneLineInTheWorkersLog(t *testing.T) {
	reason := cannotCompile("p.yaml", errors.New(`p.yaml:4:13: unknown module "echo"`))
	sdk := func(msg string, err error, more ...any) slog.Record {
		r := slog.NewRecord(time.Time{}, slog.LevelError, msg, 0)
		r.Add(append([]any{"WorkflowType", WorkflowName, "WorkflowID", "run-1", "RunID", "01ab", "Attempt", int32(2), "Error", err}, more...)...)
		return r
	}
	for _, tt := range []struct {
		name string
		rec  slog.Record
		want string // "" for no line
	}{
		{"the panic", sdk(sdkWorkflowPanic, errors.New(reason), "StackTrace", "coroutine root [panic]:\nfoo()\n\tworkflow.go:32"),
			`level=WARN msg="` + strings.ReplaceAll(reason, `"`, `\"`) + `" run=run-1 attempt=2`},
		{"the task failed", sdk(sdkTaskFailed, errors.New(reason)), ""},
		{"another panic", sdk(sdkWorkflowPanic, errors.New("index out of range"), "StackTrace", "goroutine"),
			`level=ERROR msg="Workflow panic" WorkflowType=pipe.run WorkflowID=run-1 RunID=01ab Attempt=2 Error="index out of range" StackTrace=goroutine`},
		{"another line", sdk("Activity error.", errors.New(reason)), ""},
		{"another failed task", sdk(sdkTaskFailed, errors.New("nondeterminism")),
			`level=ERROR msg="Failed to process workflow task." WorkflowType=pipe.run WorkflowID=run-1 RunID=01ab Attempt=2 Error=nondeterminism`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			h := &minLevel{h: slog.NewTextHandler(&b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}), level: slog.LevelWarn}
			if err := h.Handle(context.Background(), tt.rec); err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(b.String(), "\n"); got != tt.want {
				t.Errorf("logged\n  %s\nwant\n  %s", got, tt.want)
			}
		})
	}
}
