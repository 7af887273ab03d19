package temporal_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
)

// startOrder reads the log the test's nodes append their names to as
// they start, one a line.
func startOrder(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(b))
}

// A node waiting out its retry back-off on Temporal holds no slot of the
// run's max_parallel either: with one, an independent node runs in the
// back-off, as does an instance under its node's max_parallel. The order
// the attempts started in says so, not how long anything took.
func TestBackoffFreesTheSlotOnTemporal(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "an independent node",
			src: `
name: slot
nodes:
  fails:
    module: exec
    retries: {limit: 1, backoff: 300ms}
    with: {command: [sh, -c, 'echo fails >> LOG; exit 1']}
  other:
    module: exec
    with: {command: [sh, -c, 'echo other >> LOG']}
`,
			want: []string{"fails", "other", "fails"},
		},
		{
			name: "an instance under its node's max_parallel",
			src: `
name: fan
nodes:
  fit:
    module: exec
    foreach: [x, y]
    max_parallel: 1
    retries: {limit: 1, backoff: 300ms}
    with: {command: [sh, -c, 'echo $0 >> LOG; test $0 = y', "${{ item }}"]}
`,
			want: []string{"x", "y", "x"},
		},
	}
	c, q := onWorker(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "started")
			in := runInput(t, strings.ReplaceAll(tt.src, "LOG", log), nil)
			in.MaxParallel = 1
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
				t.Fatal(err)
			}
			rec, err := (&temporal.Follower{Client: c, Hurry: ctx.Done()}).Follow(ctx, in.RunID)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != engine.StatusError {
				t.Errorf("run %s (%s), want error", rec.Status, rec.Reason)
			}
			if got := startOrder(t, log); !slices.Equal(got, tt.want) {
				t.Errorf("attempts started in the order %v, want %v", got, tt.want)
			}
			replay(t, c, rec.ID)
		})
	}
}

// A run cancelled while a node backs off on Temporal records it as a
// local run does: cancelled while waiting to retry, after the attempt
// that failed.
func TestCancelDuringBackoffOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: cancel_backoff
nodes:
  fails: {module: exec, retries: {limit: 3, backoff: 1h}, with: {command: [sh, -c, 'exit 1']}}
  other: {module: exec, with: {command: [sleep, "60"]}}
  tidy: {module: echo, needs: fails, when: always()}
`
	in := runInput(t, src, nil)
	in.MaxParallel = 1
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	// other starts only once fails backs off (one slot): then Ctrl-C.
	fctx, interrupt := context.WithCancel(ctx)
	f := &temporal.Follower{Client: c, Order: []string{"fails", "other", "tidy"}, OnEvent: func(ev engine.Event) {
		if ev.Node == "other" && ev.Kind == engine.NodeStarted {
			interrupt()
		}
	}}
	rec, err := f.Follow(fctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s (%s), want cancelled", rec.Status, rec.Reason)
	}
	if n := nodeIs(t, rec, "fails", engine.StatusCancelled, "cancelled while waiting to retry (attempt 1 failed)"); n.Attempts != 1 {
		t.Errorf("fails: %d attempts, want 1", n.Attempts)
	}
	nodeIs(t, rec, "other", engine.StatusCancelled, "cancelled while running")
	nodeIs(t, rec, "tidy", engine.StatusSuccess, "")
	replay(t, c, rec.ID)
}

// Runs started before nodes gave up their slot in a back-off replay as
// they ran: a node kept its slot there, and the others waited. The
// histories were recorded with the workflow of before (a node `fails`
// retrying once with max_parallel 1 beside `other`; a foreach whose
// instance x retries under max_parallel 1); no server is needed.
func TestReplayRunsWhereTheBackoffKeptItsSlot(t *testing.T) {
	for _, file := range []string{"kept-slot-in-backoff.json", "kept-slot-in-backoff-foreach.json"} {
		t.Run(file, func(t *testing.T) { replayFile(t, file) })
	}
}
