package engine_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A run that logs its own nodes' ends (a sub-pipeline's run: no OnEvent)
// logs a failure continue_on_error lets it go past as a warning, in the
// words of a run's own: it logged ERROR in a run said a success.
func TestToleratedFailureLoggedAsWarning(t *testing.T) {
	src := `name: tol
nodes:
  b: {module: fail, continue_on_error: true, with: {message: exit 3}}
  c: {module: fail, with: {message: real}}
`
	tm := newTestModules(t)
	plan, err := engine.Parse("test.yaml", []byte(src), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	eng := engine.New(tm.reg)
	eng.Logger = slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := eng.Run(context.Background(), plan, engine.Options{}); err != nil {
		t.Fatal(err)
	}
	var tolerated, failed string
	for _, line := range strings.Split(buf.String(), "\n") {
		switch {
		case strings.Contains(line, "node=b"):
			tolerated = line
		case strings.Contains(line, "node=c"):
			failed = line
		}
	}
	if !strings.Contains(tolerated, "level=WARN") || !strings.Contains(tolerated, engine.Tolerated) {
		t.Errorf("b's line: %q, want a warning saying %q", tolerated, engine.Tolerated)
	}
	if !strings.Contains(failed, "level=ERROR") || !strings.Contains(failed, `msg="node failed"`) {
		t.Errorf("c's line: %q, want an error", failed)
	}
}
