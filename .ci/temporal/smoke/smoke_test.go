// Package smoke checks the dev server of the folder above with the SDK
// version that pipe's own module uses (keep go.mod's go.temporal.io/sdk in
// step with pipe's): a client and a worker run a workflow with one
// activity. With PIPE_TEMPORAL_ADDRESS set it uses that server; otherwise
// it builds the server, starts it on a free port, and checks that it stops
// cleanly and quietly on SIGTERM.
//
//	cd .ci/temporal/smoke && go test -count=1 -v .
package smoke

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

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
	addr := os.Getenv("PIPE_TEMPORAL_ADDRESS")
	if addr == "" {
		addr = startServer(t)
	}
	t.Logf("server %s", addr)

	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "smoke", worker.Options{})
	w.RegisterWorkflow(GreetWorkflow)
	w.RegisterActivity(Greet)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "smoke-" + time.Now().Format("150405.000000"), TaskQueue: "smoke"}, GreetWorkflow, "pipe")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	if err := run.Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got != "hello pipe" {
		t.Fatalf("workflow returned %q, want %q", got, "hello pipe")
	}
	t.Logf("workflow %s done in %s", run.GetID(), time.Since(start).Round(time.Millisecond))
}

// startServer builds the dev server, starts it on a free port and returns
// its address. Cleanup stops it with SIGTERM and fails the test unless it
// exits with status 0 within 30 s and logged nothing.
func startServer(t *testing.T) string {
	t.Helper()
	// The start script's binary: an up-to-date one is not linked again.
	bin, err := filepath.Abs(filepath.Join("..", ".bin", "temporal-dev"))
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-address", "127.0.0.1:0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
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
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("server exit: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
			t.Errorf("server did not stop within 30 s of SIGTERM\n%s", stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("server logged:\n%s", stderr.String())
		}
	})
	select {
	case line := <-lines:
		addr, ok := strings.CutPrefix(line, "ready ")
		if !ok {
			t.Fatalf("server said %q, want \"ready HOST:PORT\"", line)
		}
		return addr
	case err := <-exited:
		t.Fatalf("server exited before ready: %v\n%s", err, stderr.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("server not ready after 3 min\n%s", stderr.String())
	}
	return ""
}
