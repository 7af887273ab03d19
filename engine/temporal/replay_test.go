package temporal_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// replay runs the workflow again over the history the server recorded: a
// change that makes the core decide otherwise fails here.
func replay(t *testing.T, c client.Client, id string) {
	t.Helper()
	if err := replayHistory(history(t, c, id)); err != nil {
		t.Errorf("replaying run %s: %v", id, err)
	}
}

// replayFile replays the history of testdata/file, as an upgraded worker
// replays a run an earlier pipe started; no server is needed.
func replayFile(t *testing.T, file string) {
	t.Helper()
	if err := replayHistory(historyFile(t, file)); err != nil {
		t.Error(err)
	}
}

// historyFile reads the history of testdata/file.
func historyFile(t *testing.T, file string) *historypb.History {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	hist, err := client.HistoryFromJSON(f, client.HistoryJSONOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return hist
}

// replayHistory replays hist and compares the activities and timers the
// workflow starts with those the history holds, in order. Temporal's
// replayer finds a command of another kind, or one too few, but not an
// activity that runs another node: activity ids are a count, and every
// node runs the same activity type, so the result of one node's
// activity would be read as another's.
func replayHistory(hist *historypb.History) error {
	var log startLog
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		Interceptors: []interceptor.WorkerInterceptor{&log},
		// What it checks is commands; a workflow task building a million
		// items takes past the SDK's 1 s under the race detector (a
		// worker allows deadlockAfter).
		DisableDeadlockDetection: true})
	if err != nil {
		return err
	}
	temporal.RegisterWorkflow(r, modules.Default)
	if err := r.ReplayWorkflowHistory(nil, hist); err != nil {
		return err
	}
	want, err := historyStarts(hist)
	if err != nil {
		return err
	}
	if !slices.Equal(log.started, want) {
		return fmt.Errorf("the replay started\n\t%v\nthe history holds\n\t%v", log.started, want)
	}
	return nil
}

// historyStarts lists the activities and timers hist started, as
// startLog writes them.
func historyStarts(hist *historypb.History) ([]string, error) {
	var out []string
	for _, ev := range hist.Events {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			var payload []byte
			if err := converter.GetDefaultDataConverter().FromPayload(a.GetInput().GetPayloads()[0], &payload); err != nil {
				return nil, fmt.Errorf("activity %s: %w", a.GetActivityId(), err)
			}
			s, err := activityStart(payload)
			if err != nil {
				return nil, fmt.Errorf("activity %s: %w", a.GetActivityId(), err)
			}
			out = append(out, s)
		}
		if a := ev.GetTimerStartedEventAttributes(); a != nil {
			out = append(out, timerStart(a.GetStartToFireTimeout().AsDuration()))
		}
	}
	return out, nil
}

// activityStart names the node and attempt of an activity's task.
func activityStart(payload []byte) (string, error) {
	var task struct {
		Node    string `json:"node"`
		Attempt int    `json:"attempt"`
	}
	if err := json.Unmarshal(payload, &task); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s#%d", task.Node, task.Attempt), nil
}

func timerStart(d time.Duration) string { return "timer " + d.String() }

// startLog is an interceptor that writes down each activity and timer
// the workflow starts.
type startLog struct {
	interceptor.WorkerInterceptorBase
	started []string
}

func (l *startLog) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &startLogInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, log: l}
}

type startLogInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	log *startLog
}

func (i *startLogInbound) Init(out interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&startLogOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: out}, log: i.log})
}

type startLogOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	log *startLog
}

func (o *startLogOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	s := "activity of unknown input"
	if payload, ok := args[0].([]byte); ok {
		if name, err := activityStart(payload); err == nil {
			s = name
		}
	}
	o.log.started = append(o.log.started, s)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *startLogOutbound) NewTimer(ctx workflow.Context, d time.Duration) workflow.Future {
	o.log.started = append(o.log.started, timerStart(d))
	return o.Next.NewTimer(ctx, d)
}

func (o *startLogOutbound) NewTimerWithOptions(ctx workflow.Context, d time.Duration, opts workflow.TimerOptions) workflow.Future {
	o.log.started = append(o.log.started, timerStart(d))
	return o.Next.NewTimerWithOptions(ctx, d, opts)
}

// Runs an earlier pipe started replay on this one as they ran, though
// the core decides otherwise now. Each history was recorded on a dev
// server with the workflow of before the change it names (pipe at
// 3931b98); each fails to replay without that change's version check.
func TestReplayRunsOfTheEarlierPipe(t *testing.T) {
	for _, tt := range []struct{ file, before string }{
		{"earlier-when-null-skips.json",
			"a when that read an output its node did not give skipped its node (deploy), and when: failure() below it was false"},
		{"earlier-inputs-when-ready.json",
			"a node's inputs were resolved as it became ready: one that could not be (bad) failed at once, under max_parallel 1, and the wait node below it started beside the first node"},
		{"earlier-instance-inputs-at-fan-out.json",
			"a foreach's instances' inputs were resolved as it fanned out: the last one's failed, and fail_fast cancelled the two before it, which never ran"},
		{"earlier-message-whole.json",
			"a message of 68,000 bytes was kept whole, and a when that read its length ran its node"},
		{"earlier-expr-budget-of-a-million.json",
			"an expression that built 1,200,000 items (map over 1..600000) failed its node"},
		{"earlier-from-pairs-unencoded.json",
			"an input of fromPairs was a map keyed by any, which the task's encoding refused: its node failed, and so did the run's record"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			t.Log("before:", tt.before)
			replayFile(t, tt.file)
		})
	}
}

// Temporal's replayer alone takes a history whose activities ran other
// nodes than the workflow gives them now; replayHistory does not. Here
// the history's second and third activities are swapped: each is still
// an activity of the same type, at its place.
func TestReplayFindsAnActivityOfAnotherNode(t *testing.T) {
	hist := historyFile(t, "earlier-inputs-when-ready.json")
	var scheduled []*historypb.ActivityTaskScheduledEventAttributes
	for _, ev := range hist.Events {
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			scheduled = append(scheduled, a)
		}
	}
	if len(scheduled) != 3 {
		t.Fatalf("%d activities in the history, want 3 (a1, a2, a3)", len(scheduled))
	}
	scheduled[1].Input, scheduled[2].Input = scheduled[2].Input, scheduled[1].Input

	r := worker.NewWorkflowReplayer()
	temporal.RegisterWorkflow(r, modules.Default)
	if err := r.ReplayWorkflowHistory(nil, hist); err != nil {
		t.Fatalf("Temporal's replayer: %v (it takes it: the test shows nothing)", err)
	}
	err := replayHistory(hist)
	if err == nil || !strings.Contains(err.Error(), "[timer 10ms a1#1 a2#1 a3#1]") {
		t.Errorf("replayHistory: %v, want it to say the replay started timer 10ms a1#1 a2#1 a3#1", err)
	}
}
