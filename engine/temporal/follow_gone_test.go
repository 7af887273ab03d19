package temporal

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// restartedServer answers as a dev server that restarted: it knows no
// run.
type restartedServer struct{ client.Client }

func (restartedServer) GetWorkflow(context.Context, string, string) client.WorkflowRun {
	return goneRun{}
}

func (restartedServer) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, serviceerror.NewNotFound("workflow execution not found")
}

func (restartedServer) DescribeWorkflowExecution(context.Context, string, string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return nil, serviceerror.NewNotFound("workflow execution not found")
}

type goneRun struct{ client.WorkflowRun }

func (goneRun) Get(context.Context, any) error {
	return serviceerror.NewNotFound("workflow execution not found")
}

// A run the server no longer knows is said to be gone, not to go on if
// the server does.
func TestFollowerTellsARunGoneFromTheServer(t *testing.T) {
	f := &Follower{Client: restartedServer{}}
	_, err := f.Follow(context.Background(), "r1")
	if !errors.Is(err, ErrRunGone) || errors.Is(err, ErrServerLost) {
		t.Fatalf("Follow: %v, want ErrRunGone", err)
	}
	if msg := err.Error(); strings.Contains(msg, "goes on") || !strings.Contains(msg, "run r1: the run is gone from the Temporal server") {
		t.Errorf("Follow: %q, want that the run is gone", msg)
	}
}
