package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/echo"
)

// The in-process executor runs a Task by its module's name, as a worker
// will: no plan, only the registry.
func TestLocalExecutorRunsATaskByModuleName(t *testing.T) {
	l := &local{registry: modules.Default, logger: func(string) *slog.Logger { return slog.New(slog.DiscardHandler) }, grace: time.Second}
	out, err := l.Execute(context.Background(), Task{Run: "r", Node: "n", Module: "echo", With: map[string]any{"x": 1}, Attempt: 1})
	if err != nil || out.Values["x"] != 1 {
		t.Fatalf("Execute = %+v, %v", out, err)
	}
	_, err = l.Execute(context.Background(), Task{Node: "n", Module: "no_such_module", Attempt: 1})
	if err == nil || !strings.Contains(err.Error(), "no_such_module is not in this build") {
		t.Errorf("unknown module: %v", err)
	}
	if !retryable(errors.New("x")) || retryable(modules.TooLarge("outputs are", 5<<20)) {
		t.Error("retryable is wrong")
	}
}

// A module's error after the node's time-out says the time-out first and
// once, and still is both errors.
func TestTimedOutSaysItOnce(t *testing.T) {
	cause := fmt.Errorf("%w after 1s", ErrTimeout)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("killed: %w", cause), "timed out after 1s: killed"},
		{&modules.Error{Message: "killed: timed out after 1s; stderr ends: x"}, "timed out after 1s: killed; stderr ends: x"},
		{errors.New("context canceled"), "timed out after 1s: context canceled"},
		{cause, "timed out after 1s"},
	} {
		e := newTimedOut(cause, tc.err)
		if e.Error() != tc.want || !errors.Is(e, ErrTimeout) || !errors.Is(e, tc.err) {
			t.Errorf("%q: %q, want %q (and both errors)", tc.err, e.Error(), tc.want)
		}
	}
}
