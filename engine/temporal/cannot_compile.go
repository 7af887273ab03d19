package temporal

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// cannotCompile is why this worker cannot compile a run's pipeline, which
// the client compiled before it started the run: this worker's pipe lacks
// a module, or refuses what the client's accepted (a rule added since, or
// an older pipe). The workflow panics with it: the SDK fails the workflow
// task (its default panic policy, BlockWorkflow, set in NewWorker), logs
// it, and the task runs again, perhaps on a worker that can run it. A
// failed workflow would end the run for good, blaming a file that
// validates cleanly where it was started.
func cannotCompile(file string, err error) string {
	var ds schema.Diagnostics
	if !errors.As(err, &ds) {
		return fmt.Sprintf("this worker cannot run pipeline %s: %v (start a worker of the pipe that started the run)", file, err)
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
	return fmt.Sprintf("this worker cannot run pipeline %s: %s", file, strings.Join(lines, "; "))
}
