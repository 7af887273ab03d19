package wait

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
)

func TestWait(t *testing.T) {
	start := time.Now()
	out, err := Wait{}.Run(context.Background(), &modules.Input{With: map[string]any{"duration": "30ms"}})
	if err != nil || time.Since(start) < 30*time.Millisecond || out.Values["waited_ms"].(int) < 30 {
		t.Fatalf("%v %+v", err, out)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stopped")
	time.AfterFunc(10*time.Millisecond, func() { cancel(stop) })
	start = time.Now()
	_, err = Wait{}.Run(ctx, &modules.Input{With: map[string]any{"duration": "1h"}})
	if !errors.Is(err, stop) || time.Since(start) > time.Second {
		t.Errorf("cancelled wait: %v after %v", err, time.Since(start))
	}
	if _, err := (Wait{}).Run(context.Background(), &modules.Input{With: map[string]any{"duration": "soon"}}); err == nil {
		t.Error("a bad duration was accepted")
	}
}
