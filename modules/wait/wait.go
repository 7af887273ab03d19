// Package wait is the wait module: it waits for a duration, or until the
// node is cancelled.
package wait

import (
	"context"
	"time"

	"github.com/pipe-run/pipe/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:        "wait",
		Description: "Waits for `duration` (cancellable); takes no max_parallel slot.",
		Waits:       true,
		Inputs: []modules.Field{
			{Name: "duration", Type: modules.Duration, Required: true, Description: "how long to wait", Example: "5s"},
		},
		Outputs: []modules.Field{{Name: "waited_ms", Type: modules.Int, Description: "how long it waited"}},
		New:     func() modules.Module { return Wait{} },
	})
}

// Wait waits.
type Wait struct{}

var _ modules.Module = Wait{}

// Run implements modules.Module.
func (Wait) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	d, err := in.Duration("duration")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return &modules.Output{Message: "waited " + d.String(), Values: map[string]any{"waited_ms": int(time.Since(start).Milliseconds())}}, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
