package temporal

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/pipe-run/pipe/engine"
)

// oldWorker answers queries as a worker from before QueryProgress does:
// the whole record, and an unknown query type for the rest.
type oldWorker struct {
	client.Client // nil: calling anything else panics
	asked         []string
}

func (w *oldWorker) QueryWorkflow(_ context.Context, _, _ string, query string, _ ...any) (converter.EncodedValue, error) {
	w.asked = append(w.asked, query)
	if query != QueryRecord {
		return nil, fmt.Errorf("unknown queryType %v. KnownQueryTypes=[record source]", query)
	}
	p, err := converter.GetDefaultDataConverter().ToPayloads([]byte(`{"id":"r1","nodes":{"a":{"status":"running"}}}`))
	if err != nil {
		return nil, err
	}
	return client.NewValue(p), nil
}

// A follower of a run whose worker does not know QueryProgress reads the
// whole record, and does not ask the progress again.
func TestProgressFromAnOlderWorker(t *testing.T) {
	w := &oldWorker{}
	p := &progressReader{version: -1}
	for range 2 {
		pr, err := p.read(context.Background(), w, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if rec := pr.Record; rec == nil || rec.Nodes["a"] == nil || rec.Nodes["a"].Status != engine.StatusRunning {
			t.Fatalf("read %+v, want the record with node a running", rec)
		}
	}
	want := []string{QueryProgress, QueryRecord, QueryRecord}
	if fmt.Sprint(w.asked) != fmt.Sprint(want) {
		t.Errorf("asked %v, want %v", w.asked, want)
	}
}

// brokenWorker fails every query as a server that went away does.
type brokenWorker struct{ client.Client }

func (brokenWorker) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, errors.New("connection refused")
}

// Other failures are not taken for an older worker: the next read asks
// the progress again.
func TestProgressFailureIsNotAnOlderWorker(t *testing.T) {
	p := &progressReader{version: -1}
	if _, err := p.read(context.Background(), brokenWorker{}, "r1"); err == nil {
		t.Fatal("read through a broken connection succeeded")
	}
	if p.whole {
		t.Error("a failed query made the reader read whole records from then on")
	}
}
