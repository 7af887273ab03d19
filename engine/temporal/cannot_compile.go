package temporal

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// cannotCompile is why this worker cannot compile a run's pipeline, which
// the client compiled before it started the run: this worker's pipe lacks
// a module, or refuses what the client's accepted (a rule added since, or
// an older pipe). The workflow panics with it: the SDK fails the workflow
// task (its default panic policy, BlockWorkflow, set in NewWorker), logs
// it (in one line: see cannotCompileLog), and the task runs again, perhaps on a worker that can run it. A
// failed workflow would end the run for good, blaming a file that
// validates cleanly where it was started.
func cannotCompile(file string, err error) string {
	var ds schema.Diagnostics
	if !errors.As(err, &ds) {
		return fmt.Sprintf("%s%s: %v (start a worker of the pipe that started the run)", cannotCompileLead, file, err)
	}
	var lines []string
	for _, d := range ds {
		if d.IsWarning() {
			continue
		}
		why := "this worker's pipe refuses it, the one that started the run did not; start a worker of that pipe"
		switch {
		case strings.HasPrefix(d.Message, "unknown module "):
			why = "its pipe lacks it; start a worker of a pipe that has it"
		case strings.HasSuffix(d.Message, ": no such file"):
			// Paths are the client's, relative to its project's root.
			why = "this worker has no such file where the client had it: start workers at the root of the same checkout (the directory that holds .git, go.mod or .pipe), or on shared storage"
		}
		lines = append(lines, fmt.Sprintf("%s (%s)", d.Error(), why))
	}
	return fmt.Sprintf("%s%s: %s", cannotCompileLead, file, strings.Join(lines, "; "))
}

// cannotCompileLead starts every reason cannotCompile gives: the worker's
// log finds them by it (see cannotCompileLog).
const cannotCompileLead = "this worker cannot run pipeline "

// The SDK's log lines for a workflow task that panics (at error level,
// with the panic's stack) and for the task that fails with it, and the
// keys of their attributes that pipe reads.
const (
	sdkWorkflowPanic = "Workflow panic"
	sdkTaskFailed    = "Failed to process workflow task."
	sdkErrorKey      = "Error"
	sdkWorkflowIDKey = "WorkflowID"
	sdkAttemptKey    = "Attempt"
)

// cannotCompileLog returns what the worker logs for the SDK's record r:
// for a workflow task that failed because this worker cannot compile the
// run (cannotCompile's panic), one line, the reason (which says what to
// do), with the run and the task's attempt, not the SDK's two lines of
// which one holds a stack of goroutine frames: the panic is pipe's own,
// on purpose, and its stack says nothing. keep is false for the record
// not to log at all (the SDK's second line); any other record is r.
func cannotCompileLog(r slog.Record) (out slog.Record, keep bool) {
	if r.Message != sdkWorkflowPanic && r.Message != sdkTaskFailed {
		return r, true
	}
	var reason string
	var attrs []any
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case sdkErrorKey:
			reason = a.Value.String()
		case sdkWorkflowIDKey:
			attrs = append(attrs, slog.String("run", a.Value.String()))
		case sdkAttemptKey:
			attrs = append(attrs, slog.Any("attempt", a.Value))
		}
		return true
	})
	if !strings.HasPrefix(reason, cannotCompileLead) {
		return r, true
	}
	if r.Message == sdkTaskFailed {
		return r, false
	}
	out = slog.NewRecord(r.Time, slog.LevelWarn, reason, r.PC)
	out.Add(attrs...)
	return out, true
}
