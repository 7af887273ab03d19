package temporal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A node's time-out holds on Temporal as in a local run, with the same
// words, for a node the workflow runs itself (wait, a durable timer: it
// waited its whole duration) and for one a worker runs (exec); under a
// pipeline's time-out, the node's own comes first.
func TestNodeTimeoutOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: timeouts
timeout: 1m
nodes:
  wt: {module: wait, timeout: 1s, retries: {limit: 1, backoff: 100ms}, with: {duration: 30s}}
  ex: {module: exec, timeout: 1s, with: {command: [sleep, "30"]}}
  short: {module: wait, timeout: 10s, with: {duration: 100ms}}
`
	plan, err := engine.Parse("test.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	local, err := engine.New(modules.Default).Run(ctx, plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := submit(t, c, q, src, nil, 0)
	for _, id := range []string{"wt", "ex", "short"} {
		l, r := local.Nodes[id], rec.Nodes[id]
		if r.Status != l.Status || r.Attempts != l.Attempts || r.Reason != l.Reason || !strings.HasPrefix(r.Message, l.Message) {
			t.Errorf("%s on Temporal: %s after %d attempt(s) (%s; %s); here: %s after %d (%s; %s)",
				id, r.Status, r.Attempts, r.Reason, r.Message, l.Status, l.Attempts, l.Reason, l.Message)
		}
	}
	nodeIs(t, rec, "wt", engine.StatusError, "timed out after 1s")
	nodeIs(t, rec, "ex", engine.StatusError, "timed out after 1s")
	nodeIs(t, rec, "short", engine.StatusSuccess, "waited 100ms")
	replay(t, c, rec.ID)
}
