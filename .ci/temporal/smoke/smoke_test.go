// Package smoke checks the dev server of the folder above with the SDK
// version that pipe's own module uses (keep go.mod's go.temporal.io/sdk in
// step with pipe's): a workflow with an activity, a retried activity and a
// durable timer, and a cancel that reaches a heartbeating activity. With
// PIPE_TEMPORAL_ADDRESS set it uses that server; otherwise it builds the
// server, starts it on a free port, and checks that it stops on SIGTERM
// with status 0 and logged nothing.
//
//	cd .ci/temporal/smoke && go test -count=1 -v .
package smoke

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

var address string

func TestMain(m *testing.M) {
	address = os.Getenv("PIPE_TEMPORAL_ADDRESS")
	if address != "" {
		os.Exit(m.Run())
	}
	addr, stop, err := startServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "smoke:", err)
		os.Exit(1)
	}
	address = addr
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "smoke:", err)
		code = 1
	}
	os.Exit(code)
}

// startServer builds the dev server, starts it on a free port and returns
// its address, and a stop that sends SIGTERM and fails unless the server
// exits with status 0 within 30 s having logged nothing.
func startServer() (string, func() error, error) {
	// The start script's binary: an up-to-date one is not linked again.
	bin, err := filepath.Abs(filepath.Join("..", ".bin", "temporal-dev"))
	if err != nil {
		return "", nil, err
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("building the server: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-address", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan error, 1)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		exited <- cmd.Wait()
	}()
	stop := func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				return fmt.Errorf("server exit: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("server did not stop within 30 s of SIGTERM\n%s", stderr.String())
		}
		if stderr.Len() > 0 {
			return fmt.Errorf("server logged:\n%s", stderr.String())
		}
		return nil
	}
	select {
	case line := <-lines:
		if addr, ok := strings.CutPrefix(line, "ready "); ok {
			return addr, stop, nil
		}
		return "", nil, errors.Join(fmt.Errorf("server said %q, want \"ready HOST:PORT\"", line), stop())
	case err := <-exited:
		return "", nil, fmt.Errorf("server exited before ready: %v\n%s", err, stderr.String())
	case <-time.After(3 * time.Minute):
		return "", nil, errors.Join(errors.New("server not ready after 3 min"), stop())
	}
}

// start dials the server, starts a worker on a task queue of the test's
// name with what register registers, and returns the client.
func start(t *testing.T, register func(worker.Registry)) (client.Client, string) {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: address, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	queue := t.Name()
	w := worker.New(c, queue, worker.Options{})
	register(w)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c, queue
}

func run(t *testing.T, c client.Client, queue string, wf any, args ...any) client.WorkflowRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()),
		TaskQueue: queue,
	}, wf, args...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func Greet(ctx context.Context, name string) (string, error) {
	return "hello " + name, nil
}

func GreetWorkflow(ctx workflow.Context, name string) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	var out string
	err := workflow.ExecuteActivity(ctx, Greet, name).Get(ctx, &out)
	return out, err
}

func TestWorkflowAndActivity(t *testing.T) {
	c, q := start(t, func(r worker.Registry) {
		r.RegisterWorkflow(GreetWorkflow)
		r.RegisterActivity(Greet)
	})
	began := time.Now()
	var got string
	if err := run(t, c, q, GreetWorkflow, "pipe").Get(context.Background(), &got); err != nil {
		t.Fatal(err)
	}
	if got != "hello pipe" {
		t.Fatalf("workflow returned %q, want %q", got, "hello pipe")
	}
	t.Logf("server %s: workflow done in %s", address, time.Since(began).Round(time.Millisecond))
}

// FailOnce fails its first attempt and returns the attempt that succeeded.
func FailOnce(ctx context.Context) (int32, error) {
	if a := activity.GetInfo(ctx).Attempt; a > 1 {
		return a, nil
	}
	return 0, errors.New("first attempt fails")
}

func RetryAndTimerWorkflow(ctx workflow.Context) (int32, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 100 * time.Millisecond, MaximumAttempts: 3},
	})
	var attempt int32
	if err := workflow.ExecuteActivity(ctx, FailOnce).Get(ctx, &attempt); err != nil {
		return 0, err
	}
	return attempt, workflow.Sleep(ctx, 500*time.Millisecond)
}

func TestRetryAndTimer(t *testing.T) {
	c, q := start(t, func(r worker.Registry) {
		r.RegisterWorkflow(RetryAndTimerWorkflow)
		r.RegisterActivity(FailOnce)
	})
	began := time.Now()
	var attempt int32
	if err := run(t, c, q, RetryAndTimerWorkflow).Get(context.Background(), &attempt); err != nil {
		t.Fatal(err)
	}
	if attempt != 2 {
		t.Fatalf("activity succeeded on attempt %d, want 2", attempt)
	}
	if d := time.Since(began); d < 500*time.Millisecond {
		t.Fatalf("workflow took %s, less than its 500ms timer", d)
	}
}

var cancelled = make(chan struct{}, 1)

// Heartbeat heartbeats until it is cancelled.
func Heartbeat(ctx context.Context) error {
	for {
		activity.RecordHeartbeat(ctx)
		select {
		case <-ctx.Done():
			cancelled <- struct{}{}
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func HeartbeatWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    2 * time.Second,
		WaitForCancellation: true,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	return workflow.ExecuteActivity(ctx, Heartbeat).Get(ctx, nil)
}

func TestCancelReachesActivity(t *testing.T) {
	c, q := start(t, func(r worker.Registry) {
		r.RegisterWorkflow(HeartbeatWorkflow)
		r.RegisterActivity(Heartbeat)
	})
	r := run(t, c, q, HeartbeatWorkflow)
	time.Sleep(500 * time.Millisecond)
	if err := c.CancelWorkflow(context.Background(), r.GetID(), r.GetRunID()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-cancelled:
	case <-time.After(20 * time.Second):
		t.Fatal("the activity saw no cancellation within 20 s")
	}
	err := r.Get(context.Background(), nil)
	var ce *temporal.CanceledError
	if !errors.As(err, &ce) {
		t.Fatalf("workflow ended with %v, want a cancellation", err)
	}
}
