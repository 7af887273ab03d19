package temporal

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/all"
)

// runOnWorker runs one node attempt as the worker's activity does (no
// server: the SDK's test environment), and returns the worker's log.
func runOnWorker(t *testing.T, acts *Activities, task engine.Task) (string, error) {
	t.Helper()
	var log bytes.Buffer
	acts.Logger = slog.New(slog.NewTextHandler(&log, nil))
	env := (&testsuite.WorkflowTestSuite{}).NewTestActivityEnvironment()
	env.RegisterActivityWithOptions(acts.RunNode, activity.RegisterOptions{Name: ActivityName})
	payload, err := encodeTask(task, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.ExecuteActivity(ActivityName, payload)
	return log.String(), err
}

// A worker's log serves every run it takes: each line names its run and
// node, and a node that prints 3 MB shows only its first 64 KiB there
// (the whole is in its log file).
func TestWorkerLogOfAnAttempt(t *testing.T) {
	dir := t.TempDir()
	acts := &Activities{Registry: modules.Default, Worker: "w1", RunsDir: dir}
	task := engine.Task{Run: "r1", Node: "loud", Module: "exec", Attempt: 1,
		With: map[string]any{"command": []any{"sh", "-c", `i=0; while [ $i -lt 30000 ]; do echo "line $i of a hundred bytes, more or less: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done`}}}
	log, err := runOnWorker(t, acts, task)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) > 2*maxWorkerEcho {
		t.Errorf("the worker logged %d bytes of a 3 MB output, want about %d", len(log), maxWorkerEcho)
	}
	file := filepath.Join(dir, "r1", "loud.log")
	for _, want := range []string{"run=r1 node=loud", `msg="node started"`, "the rest of the output is in the node's log file on this worker: " + file, `msg="node done"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the worker's log does not say %q:\n%.2000s", want, log)
		}
	}
	if b, _ := os.ReadFile(file); !bytes.Contains(b, []byte("line 29999 ")) {
		t.Errorf("the node's log file lacks the end of its output (%d bytes)", len(b))
	}
}

// A refused node is in the worker's log with its run.
func TestWorkerLogOfARefusal(t *testing.T) {
	acts := &Activities{Registry: modules.Default, Worker: "w1"}
	log, err := runOnWorker(t, acts, engine.Task{Run: "r2", Node: "risky", Module: "echo", Dangerous: true, Attempt: 1})
	if err == nil || !strings.Contains(err.Error(), "dangerous module disabled on worker w1") {
		t.Fatalf("a dangerous node on a worker without --allow-dangerous: %v", err)
	}
	if !strings.Contains(log, `msg="node refused" run=r2 node=risky`) {
		t.Errorf("the worker's log:\n%s", log)
	}
}

// The worker's own lines about an attempt are masked as its output is: a
// failure whose message held a secret showed it whole in the worker's
// log (err="boom abcd-secret-9999"), *** everywhere else.
func TestWorkerLogMasksSecrets(t *testing.T) {
	acts := &Activities{Registry: modules.Default, Worker: "w1"}
	task := engine.Task{Run: "r3", Node: "g", Module: "exec", Attempt: 1, Secrets: []string{"abcd-secret-9999"},
		With: map[string]any{"command": []any{"sh", "-c", `echo '{"status": "error", "message": "boom abcd-secret-9999"}'`}}}
	log, err := runOnWorker(t, acts, task)
	if err == nil {
		t.Fatal("the node succeeded, want its failure")
	}
	if strings.Contains(log, "abcd-secret-9999") || !strings.Contains(log, "boom ***") {
		t.Errorf("the worker's log:\n%s", log)
	}
}
