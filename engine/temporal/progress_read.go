package temporal

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"go.temporal.io/sdk/client"

	"github.com/pipe-run/pipe/engine"
)

// progressReader reads how a run's nodes stand: by QueryProgress, only
// once they have changed since its last read, without their inputs and
// outputs; from a worker older than that query, the whole record.
type progressReader struct {
	version int
	whole   bool // the worker does not know QueryProgress
}

// read returns how the run stands: its record, nil when it has not
// changed since the last read, and the outputs of the attempts that ended
// since. From a worker that answers only QueryRecord, its version is -1.
func (p *progressReader) read(ctx context.Context, c client.Client, id string) (Progress, error) {
	if !p.whole {
		val, err := c.QueryWorkflow(ctx, id, "", QueryProgress, p.version)
		if err == nil {
			var pr Progress
			if err := val.Get(&pr); err != nil {
				return Progress{}, err
			}
			p.version = pr.Version
			return pr, nil
		}
		if !strings.Contains(err.Error(), "unknown queryType") {
			return Progress{}, err
		}
		p.whole = true
	}
	b, err := queryRecord(ctx, c, id)
	if err != nil {
		return Progress{}, err
	}
	rec := new(engine.Record)
	return Progress{Version: -1, Record: rec}, json.Unmarshal(b, rec)
}

// outputs returns the outputs of outs to tell OnOutput, those not told
// yet, and tells OnOutputsDropped once when some were not kept; version
// is the run's version they were read at (-1: its end).
func (f *Follower) outputs(outs []NodeOutput, from, version int) []NodeOutput {
	if f.OnOutput == nil {
		return nil
	}
	if f.shown >= 0 && from > f.shown && !f.dropped {
		f.dropped = true
		if f.OnOutputsDropped != nil {
			f.OnOutputsDropped()
		}
	}
	shown := f.shown
	if version >= 0 {
		f.shown = version
	}
	return slices.DeleteFunc(outs, func(o NodeOutput) bool { return o.At < shown })
}
