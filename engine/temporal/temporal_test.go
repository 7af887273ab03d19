package temporal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/all"
	"github.com/pipe-run/pipe/schema"
)

// These tests run pipelines on a real Temporal server. .ci/run starts one
// (.ci/temporal/start) and sets PIPE_TEMPORAL_ADDRESS; without it they skip.

func server(t testing.TB) client.Client {
	t.Helper()
	addr := os.Getenv(temporal.EnvAddress)
	if addr == "" && os.Getenv("PIPE_TEMPORAL_REQUIRED") != "" {
		t.Fatal("PIPE_TEMPORAL_REQUIRED is set and PIPE_TEMPORAL_ADDRESS is not: the Temporal tests must run")
	}
	if addr == "" {
		t.Skip("no Temporal server: run `eval \"$(.ci/temporal/start)\"` (see .ci/temporal/README.md) to run the Temporal tests; .ci/run does")
	}
	return dial(t, addr)
}

// dial connects to the server at addr for the test.
func dial(t testing.TB, addr string) client.Client {
	t.Helper()
	ep, err := temporal.ParseEndpoint(addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := temporal.Dial(ctx, ep, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// startWorker runs a worker on its own task queue for the test.
func startWorker(t *testing.T, c client.Client, queue string, allowDangerous bool) {
	t.Helper()
	acts := &temporal.Activities{Registry: modules.Default, AllowDangerous: allowDangerous, Worker: "test-" + queue,
		RunsDir: t.TempDir(), Client: c}
	w := temporal.NewWorker(c, queue, 4, acts)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
}

// submit runs src on queue and returns the run's record.
func submit(t *testing.T, c client.Client, queue, src string, cfg map[string]any, heartbeat time.Duration) *engine.Record {
	t.Helper()
	in := runInput(t, src, cfg)
	in.Heartbeat = heartbeat
	// A dangerous node no worker allows is refused after this wait.
	in.DangerousWait = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := temporal.Submit(ctx, c, in, queue, 0); err != nil {
		t.Fatal(err)
	}
	// Hurry: a run that cannot end must fail the test, not hang it.
	f := &temporal.Follower{Client: c, Hurry: ctx.Done()}
	rec, err := f.Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func runInput(t *testing.T, src string, cfg map[string]any) temporal.RunInput {
	t.Helper()
	plan, err := engine.Parse("test.yaml", []byte(src), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	in := temporal.RunInput{File: "test.yaml", Source: []byte(src), RunID: engine.NewRunID(), Declared: plan.Declared()}
	if cfg != nil {
		resolved := map[string]any{}
		for _, cv := range plan.Pipeline.Config {
			resolved[cv.Key] = cv.Value
		}
		for k, v := range cfg {
			resolved[k] = v
		}
		if in.Config, err = modules.MarshalJSON(resolved); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// onWorker connects to the test server and starts a worker (that does
// not allow dangerous nodes) on a task queue of the test's own.
func onWorker(t *testing.T) (client.Client, string) {
	t.Helper()
	c := server(t)
	q := queue(t)
	startWorker(t, c, q, false)
	return c, q
}

func queue(t *testing.T) string {
	return "test-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + engine.NewRunID()
}

func nodeIs(t *testing.T, rec *engine.Record, id string, status engine.Status, reason string) *engine.NodeRecord {
	t.Helper()
	n, ok := rec.Nodes[id]
	if !ok {
		t.Fatalf("no node %s in the record", id)
	}
	if n.Status != status || !strings.Contains(n.Reason+" "+n.Message, reason) {
		t.Errorf("node %s: %s (%s; %s), want %s with %q", id, n.Status, n.Reason, schema.Clip(n.Message), status, reason)
	}
	return n
}

const tour = `
name: tour
config:
  ENABLE_DANGEROUS_AI: true
  GREETING: hello
nodes:
  count:
    module: exec
    with:
      command: [sh, -c, 'echo "{\"status\": \"success\", \"n\": 3, \"ratio\": 0.5}"']
  stats:
    module: python
    needs: count
    with:
      path: STATS_PATH
      kwargs:
        numbers: [1, 2, "${{ nodes.count.outputs.n }}"]
        label: ${{ config.GREETING }}
  echo:
    module: echo
    needs: [count, stats]
    with:
      text: "${{ config.GREETING }} ${{ nodes.count.outputs.n }} ${{ nodes.stats.outputs.n }}"
      ratio: ${{ nodes.count.outputs.ratio }}
  skipped_by_when:
    module: echo
    needs: count
    when: nodes.count.outputs.n > 10
  broken:
    module: exec
    needs: count
    with: {command: [sh, -c, 'echo broken >&2; exit 3']}
  below_broken:
    module: echo
    needs: broken
  flaky:
    module: exec
    retries: {limit: 2, backoff: 100ms}
    with: {command: [sh, -c, 'test -e "$FLAG" || { touch "$FLAG"; exit 1; }; echo "{\"ok\": true}"'], env: {FLAG: FLAG_PATH}}
  slow:
    module: exec
    timeout: 1s
    with: {command: [sleep, "30"]}
  pause:
    module: wait
    with: {duration: 300ms}
  risky:
    module: echo
    dangerous: true
`

func TestPipelineOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	stats, _ := filepath.Abs("../../testdata/modules/stats.py")
	src := strings.NewReplacer("STATS_PATH", stats, "FLAG_PATH", filepath.Join(t.TempDir(), "flag")).Replace(tour)
	start := time.Now()
	rec := submit(t, c, q, src, map[string]any{"GREETING": "hi"}, 0)
	t.Logf("tour ran in %v", time.Since(start))
	if rec.Status != engine.StatusError {
		t.Errorf("run: %s (%s), want error (broken fails)", rec.Status, rec.Reason)
	}
	nodeIs(t, rec, "count", engine.StatusSuccess, "")
	nodeIs(t, rec, "stats", engine.StatusSuccess, "hi: mean 2.000")
	e := nodeIs(t, rec, "echo", engine.StatusSuccess, "")
	if e.Outputs["text"] != "hi 3 3" || e.Outputs["ratio"] != 0.5 {
		t.Errorf("echo's outputs %v: want text \"hi 3 3\", ratio 0.5 (outputs crossed workers as values)", e.Outputs)
	}
	nodeIs(t, rec, "skipped_by_when", engine.StatusSkipped, "when is false")
	nodeIs(t, rec, "broken", engine.StatusError, "exit status 3")
	nodeIs(t, rec, "below_broken", engine.StatusSkipped, "need broken failed")
	if n := nodeIs(t, rec, "flaky", engine.StatusSuccess, ""); n.Attempts != 2 {
		t.Errorf("flaky ran %d attempts, want 2", n.Attempts)
	}
	nodeIs(t, rec, "slow", engine.StatusError, "timed out")
	if n := nodeIs(t, rec, "pause", engine.StatusSuccess, "waited 300ms"); n.Outputs["waited_ms"] == nil {
		t.Errorf("pause's outputs: %v", n.Outputs)
	}
	// The run enabled dangerous nodes; no worker allows them.
	nodeIs(t, rec, "risky", engine.StatusError, "dangerous module disabled: no worker that allows dangerous nodes")
	if n := rec.Nodes["risky"]; n.Attempts != 1 {
		t.Errorf("risky was tried %d times: a refusal is not retried", n.Attempts)
	}
	replay(t, c, rec.ID)
}

func TestDangerousNodeOnAWorkerThatAllowsIt(t *testing.T) {
	c := server(t)
	q := queue(t)
	startWorker(t, c, q, true)
	src := "name: d\nconfig: {ENABLE_DANGEROUS_AI: false}\nnodes:\n  risky: {module: echo, dangerous: true, with: {x: 1}}\n"
	rec := submit(t, c, q, src, map[string]any{"ENABLE_DANGEROUS_AI": true}, 0)
	nodeIs(t, rec, "risky", engine.StatusSuccess, "")
	// The worker allows it, the run does not: the run's gate holds.
	rec = submit(t, c, q, src, nil, 0)
	nodeIs(t, rec, "risky", engine.StatusSkipped, "dangerous module disabled")
}

// A Python file that declares itself dangerous is gated on Temporal too:
// the client reads the file, the workflow (replayed anywhere) reads none.
func TestDangerousByIdentityOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	py := filepath.Join(dir, "dangerousai.py")
	os.WriteFile(py, []byte("PIPE_DANGEROUS = True\nopen("+strconv.Quote(marker)+", 'w').close()\ndef main():\n    return {'status': 'success'}\n"), 0o644)
	src := "name: id\nconfig: {ENABLE_DANGEROUS_AI: false}\nnodes:\n  ai: {module: python, with: {path: " + strconv.Quote(py) + "}}\n"
	rec := submit(t, c, q, src, nil, 0)
	nodeIs(t, rec, "ai", engine.StatusSkipped, "dangerous module disabled")
	rec = submit(t, c, q, src, map[string]any{"ENABLE_DANGEROUS_AI": true}, 0)
	nodeIs(t, rec, "ai", engine.StatusError, "dangerous module disabled: no worker that allows dangerous nodes")
	if _, err := os.Stat(marker); err == nil {
		t.Error("the dangerous file's code ran")
	}
	replay(t, c, rec.ID)
}

// A Python file named by a ${{ }} is known to be dangerous only as it
// runs: on a worker without --allow-dangerous, in a run that enables
// dangerous nodes, the refusal points at the worker's flag, not at
// ENABLE_DANGEROUS_AI, which the run did set.
func TestDangerousAtRunTimeOnAWorkerThatDoesNotAllowIt(t *testing.T) {
	c, q := onWorker(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	py := filepath.Join(dir, "dangerousai.py")
	os.WriteFile(py, []byte("PIPE_DANGEROUS = True\nopen("+strconv.Quote(marker)+", 'w').close()\ndef main():\n    return {'status': 'success'}\n"), 0o644)
	src := "name: late\nconfig: {ENABLE_DANGEROUS_AI: false, PY: ''}\nnodes:\n  ai: {module: python, with: {path: '${{ config.PY }}'}}\n"
	rec := submit(t, c, q, src, map[string]any{"ENABLE_DANGEROUS_AI": true, "PY": py}, 0)
	n := nodeIs(t, rec, "ai", engine.StatusError, "the run enables dangerous nodes, this worker does not: start it with --allow-dangerous")
	if strings.Contains(n.Message, "set ENABLE_DANGEROUS_AI=true") {
		t.Errorf("ai: %s; the run did set ENABLE_DANGEROUS_AI", n.Message)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the dangerous file's code ran")
	}
}

func TestCancelOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	marker := filepath.Join(t.TempDir(), "tidied")
	src := `
name: cancel
nodes:
  long: {module: exec, with: {command: [sleep, "60"]}}
  after: {module: echo, needs: long}
  tidy: {module: exec, needs: long, when: always(), with: {command: [touch, ` + marker + `]}}
`
	in := runInput(t, src, nil)
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	// Wait for long to run, then Ctrl-C the follower.
	fctx, interrupt := context.WithCancel(ctx)
	f := &temporal.Follower{Client: c, Order: []string{"long", "after", "tidy"}, OnEvent: func(ev engine.Event) {
		if ev.Node == "long" && ev.Kind == engine.NodeStarted {
			interrupt()
		}
	}}
	start := time.Now()
	rec, err := f.Follow(fctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("cancel took %v: the sleep was not stopped", took)
	}
	if rec.Status != engine.StatusCancelled {
		t.Errorf("run %s (%s), want cancelled", rec.Status, rec.Reason)
	}
	nodeIs(t, rec, "long", engine.StatusCancelled, "cancelled while running")
	nodeIs(t, rec, "after", engine.StatusCancelled, "not started")
	nodeIs(t, rec, "tidy", engine.StatusSuccess, "")
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the clean-up node did not run: %v", err)
	}
}

// Nodes whose outputs each fit Temporal's 2 MB payload limit but together
// do not: the run ends, its record has the biggest nodes' outputs cut and
// says so (the workflow's result was refused, again and again, and the
// run never ended).
func TestRecordOverThePayloadLimit(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: two_big
nodes:
  a: {module: exec, with: {command: [sh, -c, 'printf "{\"blob\": \""; head -c 1200000 /dev/zero | tr "\\0" a; printf "\"}"']}}
  b: {module: exec, needs: a, with: {command: [sh, -c, 'printf "{\"blob\": \""; head -c 1100000 /dev/zero | tr "\\0" b; printf "\"}"']}}
  small: {module: echo, needs: b, with: {n: 1}}
`
	rec := submit(t, c, q, src, nil, 0)
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s (%s)", rec.Status, rec.Reason)
	}
	cut := nodeIs(t, rec, "a", engine.StatusSuccess, "")
	if note, _ := cut.Outputs["cut"].(string); !strings.Contains(note, "left out: a run's record on Temporal is at most 2 MB") {
		t.Errorf("a's outputs: %.200v, want them cut with a note", cut.Outputs)
	}
	if cut.Resume == nil || !cut.Resume.OutputsCut { // --resume must not hand the note on as a's outputs
		t.Errorf("a's record does not say its outputs were cut")
	}
	if blob, _ := rec.Nodes["b"].Outputs["blob"].(string); len(blob) != 1_100_000 {
		t.Errorf("b's outputs were cut too (%d bytes): the record fits with a's alone cut", len(blob))
	}
	nodeIs(t, rec, "small", engine.StatusSuccess, "")
	replay(t, c, rec.ID)
}

func TestOutputsOverThePayloadLimit(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: big
nodes:
  big: {module: exec, with: {command: [sh, -c, 'printf "{\"blob\": \""; head -c 3000000 /dev/zero | tr "\\0" a; printf "\"}"']}}
`
	rec := submit(t, c, q, src, nil, 0)
	n := nodeIs(t, rec, "big", engine.StatusError, "Temporal takes in one payload")
	if n.Attempts != 1 {
		t.Errorf("big was tried %d times; outputs too large are not retried", n.Attempts)
	}
}

// A program's message of megabytes (here a Python result's) fails its
// node once, with the message's start and end: the whole failure was
// over what the server takes, and the node came back as lost with its
// worker four times.
func TestLongMessageOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	py := filepath.Join(t.TempDir(), "talk.py")
	os.WriteFile(py, []byte("def main():\n    return {'status': 'error', 'message': 'START ' + 'x' * (4 * 1024 * 1024 - 200) + ' END'}\n"), 0o644)
	src := "name: talk\nnodes:\n  talk: {module: python, with: {path: " + strconv.Quote(py) + "}}\n"
	rec := submit(t, c, q, src, nil, 2*time.Second)
	n := rec.Nodes["talk"]
	if n.Status != engine.StatusError || n.Attempts != 1 || !strings.Contains(n.Message, "START ") || !strings.HasSuffix(n.Message, " END") ||
		strings.Count(n.Message, "of the message cut") != 1 || !strings.Contains(n.Message, "MB of the message cut") || len(n.Message) > modules.MaxMessageBytes+1024 {
		t.Errorf("talk: %s after %d attempts, message of %d bytes (%.80q...%.80q): want one attempt failed, the message's start and end, cut once",
			n.Status, n.Attempts, len(n.Message), n.Message, n.Message[max(0, len(n.Message)-80):])
	}
}

func TestStatusOfARun(t *testing.T) {
	c, q := onWorker(t)
	rec := submit(t, c, q, "name: s\nnodes:\n  a: {module: echo, with: {x: 1}}\n", nil, 0)
	got, running, err := temporal.Status(context.Background(), c, rec.ID)
	if err != nil || running || got.Status != engine.StatusSuccess || got.Nodes["a"].Outputs["x"] != 1.0 || got.Nodes["a"].FinishedAt.IsZero() {
		b, _ := json.Marshal(got)
		t.Errorf("status: running %v, err %v, record %s", running, err, b)
	}
	if _, _, err := temporal.Status(context.Background(), c, "no-such-run"); err == nil || !strings.Contains(err.Error(), "no run no-such-run") {
		t.Errorf("status of a run that is not there: %v", err)
	}
}

// A fan-out over a need's outputs, decided at run time, with its fan-in,
// runs on Temporal as it does here: instances cross the wire by their ids.
func TestForeachOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: fan
nodes:
  list:
    module: exec
    with: {command: [sh, -c, 'echo "{\"leagues\": [\"england\", \"italy\", \"spain\"]}"']}
  fit:
    module: echo
    needs: list
    foreach: ${{ nodes.list.outputs.leagues }}
    max_parallel: 2
    with: {league: "${{ item }}", n: "${{ item_index }}"}
  compare:
    module: echo
    needs: fit
    with: {leagues: "${{ nodes.fit.outputs.league }}"}
`
	rec := submit(t, c, q, src, nil, 0)
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s (%s)", rec.Status, rec.Reason)
	}
	for _, id := range []string{"fit[england]", "fit[italy]", "fit[spain]"} {
		nodeIs(t, rec, id, engine.StatusSuccess, "")
	}
	got, _ := json.Marshal(rec.Nodes["compare"].Outputs["leagues"])
	if string(got) != `["england","italy","spain"]` {
		t.Errorf("the fan-in read %s, want the leagues in item order", got)
	}
	replay(t, c, rec.ID)
}

// A run on Temporal selects nodes by tag as a local run does (--tags,
// --skip-tags, --no-web): the tags were left out of the run's input, and
// a node the user excluded ran.
func TestSelectionByTagOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	src := `
name: tags
nodes:
  a: {module: echo, tags: [fast]}
  b: {module: echo, tags: [slow]}
  c: {module: echo, needs: b}
  w: {module: echo, tags: [web]}
`
	in := runInput(t, src, nil)
	in.SkipTags = []string{"slow", "web"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := temporal.Submit(ctx, c, in, q, 0); err != nil {
		t.Fatal(err)
	}
	rec, err := (&temporal.Follower{Client: c}).Follow(ctx, in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	nodeIs(t, rec, "a", engine.StatusSuccess, "")
	nodeIs(t, rec, "b", engine.StatusSkipped, "skipped by tag (slow, web)")
	nodeIs(t, rec, "c", engine.StatusSkipped, "skipped by tag")
	nodeIs(t, rec, "w", engine.StatusSkipped, "skipped by tag")
}

// A foreach of more instances than the server lets a workflow have
// activities pending at once (2,000) runs them all, a bounded number at
// a time: it hung the run.
func TestForeachPastThePendingActivityLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("2,100 activities")
	}
	c, q := onWorker(t)
	src := `
name: wide
nodes:
  each: {module: echo, foreach: "${{ 0..2099 }}", with: {i: "${{ item }}"}}
  total: {module: echo, needs: each, with: {n: "${{ len(nodes.each.outputs.i) }}"}}
`
	rec := submit(t, c, q, src, nil, 0)
	if rec.Status != engine.StatusSuccess {
		t.Fatalf("run %s (%s)", rec.Status, rec.Reason)
	}
	if n := nodeIs(t, rec, "total", engine.StatusSuccess, ""); fmt.Sprint(n.Outputs["n"]) != "2100" {
		t.Errorf("the fan-in read %v instances, want 2100", n.Outputs["n"])
	}
}
