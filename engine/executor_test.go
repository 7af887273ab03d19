package engine

import (
	"context"
	"errors"
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
