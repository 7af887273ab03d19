package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A NaN or an infinity is a number inside a run and text in its record:
// the run is recorded, no node fails for it, and expressions compare it.
func TestNonFiniteNumbersAreRecorded(t *testing.T) {
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "metrics", Description: "returns NaN metrics, as ML code does",
		New: func() modules.Module {
			return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
				return &modules.Output{Values: map[string]any{"loss": math.NaN(), "curve": []float64{0.5, math.Inf(1)}}}, nil
			})
		}})
	var journal strings.Builder
	rec := tm.run(t, `
name: nonfinite
config:
  RATE: 1.5
nodes:
  stats: {module: echo, with: {wins: 3, games: 0}}
  ratio:
    module: echo
    needs: stats
    with:
      rate: ${{ nodes.stats.outputs.wins / nodes.stats.outputs.games }}
      text: "rate ${{ nodes.stats.outputs.wins / nodes.stats.outputs.games }}"
      rate_cfg: ${{ config.RATE }}
  fit: {module: metrics}
  gate:
    module: echo
    needs: fit
    when: nodes.fit.outputs.loss < 1
  report:
    module: echo
    needs: fit
    when: nodes.fit.outputs.loss != nodes.fit.outputs.loss
    with: {loss: "${{ nodes.fit.outputs.loss }}", curve: "${{ nodes.fit.outputs.curve }}"}
`, engine.Options{Journal: &journal, RunID: "nf", Config: map[string]any{"RATE": math.Inf(-1)}})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"gate":   {engine.StatusSkipped, "when is false"},
		"report": {engine.StatusSuccess, ""},
	})
	ratio := rec.Nodes["ratio"].Outputs
	if ratio["rate"] != "Infinity" || ratio["text"] != "rate Infinity" || ratio["rate_cfg"] != "-Infinity" {
		t.Errorf("ratio outputs = %#v", ratio)
	}
	report := rec.Nodes["report"].Outputs
	if report["loss"] != "NaN" || !reflect.DeepEqual(report["curve"], []any{0.5, "Infinity"}) {
		t.Errorf("report outputs = %#v", report)
	}
	dir := t.TempDir()
	path, err := engine.WriteRecord(dir, rec)
	if err != nil {
		t.Fatalf("WriteRecord: %v", err)
	}
	back, err := engine.ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Nodes["fit"].Outputs["loss"] != "NaN" {
		t.Errorf("record on disk has loss %#v", back.Nodes["fit"].Outputs["loss"])
	}
	if lines := strings.Count(journal.String(), "\n"); lines != 2+len(rec.Nodes) {
		t.Errorf("journal has %d lines, want a header, %d and the run's end:\n%s", lines, len(rec.Nodes), journal.String())
	}
	if _, err := json.Marshal(rec); err != nil {
		t.Errorf("the record does not encode (--json): %v", err)
	}
}

// flakyWriter fails its first writes, as a full disk does, then takes all.
type flakyWriter struct {
	fails int
	b     strings.Builder
}

func (w *flakyWriter) Write(p []byte) (int, error) {
	if w.fails > 0 {
		w.fails--
		// Half is written before the disk fills.
		n := len(p) / 2
		w.b.Write(p[:n])
		return n, errors.New("no space left on device")
	}
	return w.b.Write(p)
}

func TestJournalKeepsLinesAWriteFailedOn(t *testing.T) {
	tm := newTestModules(t)
	w := &flakyWriter{fails: 1}
	var nodes strings.Builder
	nodes.WriteString("nodes:\n")
	for _, id := range []string{"a", "b", "c", "d"} {
		nodes.WriteString("  " + id + ": {module: echo}\n")
	}
	tm.run(t, nodes.String(), engine.Options{Journal: w, RunID: "j"})
	lines := strings.Split(strings.TrimSpace(w.b.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("journal has %d lines, want a header, 4 and the run's end:\n%s", len(lines), w.b.String())
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %q is not JSON", l)
		}
	}
}

// fullDisk takes nothing, as /dev/full.
type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A run whose journal cannot be written at all does not start: no node
// runs unrecorded.
func TestRunDoesNotStartWithoutItsJournal(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("t.yaml", []byte("nodes:\n  a: {module: fail}\n"), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{Journal: fullDisk{}})
	if !errors.Is(err, engine.ErrJournal) || rec != nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("Run = %v, %v; want ErrJournal", rec, err)
	}
	if len(tm.started) > 0 {
		t.Errorf("nodes ran: %v", tm.started)
	}
}

// The record says what each node ran with: its resolved inputs, long
// texts cut.
func TestRecordHasTheInputs(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, "config: {N: 3}\nnodes:\n  a: {module: echo, with: {n: '${{ config.N }}', long: '${{ repeat(\"x\", 5000) }}', list: [1, 2], many: '${{ 1..100 }}'}}\n  b: {module: echo, needs: a}\n", engine.Options{})
	in := rec.Nodes["a"].Inputs
	long, _ := in["long"].(string)
	many, _ := in["many"].([]any)
	if in["n"] != 3 || !reflect.DeepEqual(in["list"], []any{1, 2}) || len(long) > 1100 || !strings.HasSuffix(long, "... (5000 bytes)") ||
		len(many) != 21 || many[20] != "... (100 items)" {
		t.Errorf("inputs of a: %#v", in)
	}
	if rec.Nodes["b"].Inputs != nil {
		t.Errorf("b has no inputs, the record says %#v", rec.Nodes["b"].Inputs)
	}
	if out := rec.Nodes["a"].Outputs["long"].(string); len(out) != 5000 {
		t.Errorf("cutting the recorded inputs cut the outputs: %d bytes", len(out))
	}
}
