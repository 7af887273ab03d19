package temporal_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// syncBuffer is a log a worker's goroutines write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// registryWithout is modules.Default without the module called name: the
// registry of a pipe built without it, or of an older pipe.
func registryWithout(name string) *modules.Registry {
	reg := modules.NewRegistry()
	for _, info := range modules.Default.List() {
		if info.Name != name {
			reg.Register(*info)
		}
	}
	return reg
}

// A worker whose pipe lacks a module the run uses fails the run's
// workflow task, saying why in its log, in one line, and the run waits
// for a worker that has it: it failed for good, blaming a file that
// validates.
func TestWorkerLackingAModuleLeavesTheRunGoing(t *testing.T) {
	c := server(t)
	q := queue(t)
	var log syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ep, err := temporal.ParseEndpoint(os.Getenv(temporal.EnvAddress))
	if err != nil {
		t.Fatal(err)
	}
	lacking, err := temporal.Dial(ctx, ep, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer lacking.Close()
	w := temporal.NewWorker(lacking, q, 2, &temporal.Activities{Registry: registryWithout("echo"),
		Worker: "lacking", RunsDir: t.TempDir(), Client: lacking})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	in := runInput(t, "name: hello\nnodes:\n  say:\n    module: echo\n    with: {a: 1}\n", nil)
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	// The text handler quotes the message.
	const want = `this worker cannot run pipeline test.yaml: test.yaml:4:13: unknown module \"echo\" (its pipe lacks it; start a worker of a pipe that has it)`
	for !strings.Contains(log.String(), want) {
		if ctx.Err() != nil {
			w.Stop()
			t.Fatalf("the worker never said why it could not run the run; its log:\n%s", log.String())
		}
		if status(t, c, in.RunID) != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.Stop()
	// One line a failed task, the reason, not the SDK's two with the
	// panic's stack of goroutine frames.
	for line := range strings.Lines(log.String()) {
		if strings.Contains(line, want) && (!strings.Contains(line, "level=WARN msg=\"this worker cannot run") || strings.Contains(line, "StackTrace")) {
			t.Errorf("the worker's log says why it cannot run the run in more than its reason:\n%s", line)
		}
	}
	if strings.Contains(log.String(), "coroutine root") {
		t.Errorf("the worker's log holds the stack of a panic made on purpose:\n%s", log.String())
	}
	if st := status(t, c, in.RunID); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the run is %s after a worker lacking echo took it, want it running; the worker's log:\n%s", st, log.String())
	}
	startWorker(t, c, q, false)
	f := &temporal.Follower{Client: c, Hurry: ctx.Done()}
	rec, err := f.Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	nodeIs(t, rec, "say", engine.StatusSuccess, "")
}

func status(t *testing.T, c client.Client, id string) enumspb.WorkflowExecutionStatus {
	t.Helper()
	d, err := c.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	return d.GetWorkflowExecutionInfo().GetStatus()
}
