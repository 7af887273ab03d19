package temporal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// BenchmarkTemporal measures what a node costs on Temporal: pipe's
// workflow and activities against a bare workflow of no-op activities in
// the same shape, on the same server and worker settings. Run it with a
// server (see .ci/temporal):
//
//	go test ./engine/temporal -run '^$' -bench Temporal -benchtime 3x
//
// ns/node is the figure to compare; pipe/bare is the overhead of pipe's
// core, its wire format and its record.
func BenchmarkTemporal(b *testing.B) {
	c := server(b)
	const n = 200
	for _, shape := range []string{"chain", "independent"} {
		b.Run("bare/"+shape, func(b *testing.B) {
			q := "bench-bare-" + engine.NewRunID()
			w := worker.New(c, q, worker.Options{MaxConcurrentActivityExecutionSize: n})
			w.RegisterWorkflowWithOptions(bareWorkflow, workflow.RegisterOptions{Name: "bare"})
			w.RegisterActivityWithOptions(func(context.Context, int) (int, error) { return 1, nil }, activity.RegisterOptions{Name: "noop"})
			if err := w.Start(); err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			b.ResetTimer()
			for range b.N {
				run, err := c.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{TaskQueue: q}, "bare", n, shape == "chain")
				if err != nil {
					b.Fatal(err)
				}
				if err := run.Get(context.Background(), nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/node")
		})
		b.Run("pipe/"+shape, func(b *testing.B) {
			q := "bench-pipe-" + engine.NewRunID()
			acts := &temporal.Activities{Registry: modules.Default, Worker: "bench", Client: c}
			w := temporal.NewWorker(c, q, n, acts)
			if err := w.Start(); err != nil {
				b.Fatal(err)
			}
			defer w.Stop()
			src := pipelineOf(shape, n)
			b.ResetTimer()
			for range b.N {
				in := temporal.RunInput{File: "bench.yaml", Source: []byte(src), RunID: engine.NewRunID(), MaxParallel: n}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
					b.Fatal(err)
				}
				var rec []byte
				if err := c.GetWorkflow(ctx, in.RunID, "").Get(ctx, &rec); err != nil {
					b.Fatal(err)
				}
				cancel()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/node")
		})
	}
}

// bareWorkflow runs n no-op activities, one after the other or all at once.
func bareWorkflow(ctx workflow.Context, n int, chain bool) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	if chain {
		for i := range n {
			if err := workflow.ExecuteActivity(ctx, "noop", i).Get(ctx, nil); err != nil {
				return err
			}
		}
		return nil
	}
	futures := make([]workflow.Future, n)
	for i := range n {
		futures[i] = workflow.ExecuteActivity(ctx, "noop", i)
	}
	for _, f := range futures {
		if err := f.Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// pipelineOf is n echo nodes, each needing the one before (chain) or none.
func pipelineOf(shape string, n int) string {
	var b strings.Builder
	b.WriteString("name: bench\nnodes:\n")
	for i := range n {
		fmt.Fprintf(&b, "  n%d: {module: echo, with: {i: %d}", i, i)
		if shape == "chain" && i > 0 {
			fmt.Fprintf(&b, ", needs: n%d", i-1)
		}
		b.WriteString("}\n")
	}
	return b.String()
}
