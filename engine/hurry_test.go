package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// Closing Options.Hurry after cancelling a run stops the wait for a module
// that ignores cancellation, however long the engine's grace.
func TestHurryCutsTheGrace(t *testing.T) {
	tests := []struct {
		name        string
		hurryFirst  bool // close Hurry before cancelling (a second signal close behind the first)
		wantStopped string
	}{
		{"hurry after the cancel", false, "did not stop"},
		{"hurry before the cancel", true, "did not stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			release := make(chan struct{})
			started := make(chan struct{})
			tm.reg.Register(modules.Info{Name: "deaf", Description: "ignores cancellation until released",
				New: func() modules.Module {
					return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
						close(started)
						<-release
						return &modules.Output{}, nil
					})
				}})
			plan, err := engine.Parse("deaf.yaml", []byte("nodes:\n  deaf: {module: deaf}\n  after: {module: echo, needs: deaf}\n"), tm.reg)
			if err != nil {
				t.Fatal(err)
			}
			eng := engine.New(tm.reg)
			eng.Grace = time.Hour
			ctx, cancel := context.WithCancelCause(context.Background())
			hurry := make(chan struct{})
			type result struct {
				rec *engine.Record
				err error
			}
			done := make(chan result, 1)
			go func() {
				rec, err := eng.Run(ctx, plan, engine.Options{Hurry: hurry})
				done <- result{rec, err}
			}()
			<-started
			if tt.hurryFirst {
				close(hurry)
				cancel(engine.ErrInterrupted)
			} else {
				cancel(engine.ErrInterrupted)
				close(hurry)
			}
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second): // an hour's grace, not cut
				close(release)
				t.Fatal("the run still waits for the module after Hurry")
			}
			close(release) // the abandoned module ends before goleak looks
			if r.err != nil {
				t.Fatal(r.err)
			}
			check(t, r.rec, engine.StatusCancelled, map[string]want{
				"deaf":  {engine.StatusCancelled, tt.wantStopped},
				"after": {engine.StatusCancelled, "not started"},
			})
			if !strings.Contains(r.rec.Nodes["deaf"].Reason, engine.HurryGrace.String()) {
				t.Errorf("reason %q does not give the grace it had", r.rec.Nodes["deaf"].Reason)
			}
		})
	}
}
