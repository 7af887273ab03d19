package temporal

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// An attempt checks the files its worker reads by itself against the
// client's digests before it runs: a worker in another checkout, whose
// sub.yaml differs, refuses it (to be run again elsewhere), naming the
// file and both digests, rather than run what the client never checked.
func TestAttemptRefusesFilesNotTheClients(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sub.yaml"), []byte("worker's\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	here, err := fileDigest(filepath.Join(dir, "sub.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	const clients = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name  string
		files map[string]string
		want  string // "" for a run
	}{
		{"no digests (a run of an earlier pipe)", nil, ""},
		{"the same file", map[string]string{"sub.yaml": here}, ""},
		{"a file the worker lacks is left to the node", map[string]string{"gone.yaml": clients}, ""},
		{"another file", map[string]string{"sub.yaml": clients},
			"on worker w1: this worker's sub.yaml is not the file the client checked (sha256 " + here[:12] + " here, 0123456789ab where the run started): it was edited since the run started, or this worker runs another checkout; start workers at the root of a checkout of the same commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := engine.Task{Run: "r", Node: "sub", Module: "echo", With: map[string]any{"a": 1}, Attempt: 1, Dir: dir}
			_, err := runAttempt(t, task, tt.files)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("the attempt failed: %v", err)
				}
				return
			}
			var app *temporal.ApplicationError
			if !errors.As(err, &app) {
				t.Fatalf("the attempt ran (err %v), want it refused", err)
			}
			if app.Type() != errOtherFile || !app.NonRetryable() || !strings.Contains(app.Message(), tt.want) {
				t.Errorf("refused as %s (non-retryable %v): %s\nwant %s: %s", app.Type(), app.NonRetryable(), app.Message(), errOtherFile, tt.want)
			}
			if w := nodeError(err, task); !isLost(w) {
				t.Errorf("the workflow takes the refusal as %v, not as an attempt to run again elsewhere", w)
			}
		})
	}
}

// runAttempt runs one node attempt as worker w1's activity does, the
// task carrying the digests files, and returns its result.
func runAttempt(t *testing.T, task engine.Task, files map[string]string) (converter.EncodedValue, error) {
	t.Helper()
	acts := &Activities{Registry: modules.Default, Worker: "w1",
		Logger: slog.New(slog.NewTextHandler(new(strings.Builder), &slog.HandlerOptions{Level: slog.LevelError}))}
	env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
	env.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
	payload, err := encodeTask(task, nil, files)
	if err != nil {
		t.Fatal(err)
	}
	return env.ExecuteActivity(ActivityName, payload)
}
