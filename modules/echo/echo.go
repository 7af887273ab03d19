// Package echo is the echo module: it gives back its inputs as outputs,
// for wiring pipelines together and for tests.
package echo

import (
	"context"
	"fmt"
	"maps"

	"github.com/pipe-run/pipe/modules"
)

func init() {
	modules.Register(modules.Info{
		Name:        "echo",
		Description: "Gives back its inputs as outputs; a `message` input becomes the node's message.",
		AnyInputs:   true,
		Inputs: []modules.Field{
			{Name: "message", Type: modules.String, Description: "the node's message"},
		},
		Outputs: []modules.Field{{Name: "*", Type: modules.Any, Description: "every input, unchanged"}},
		New:     func() modules.Module { return Echo{} },
	})
}

// Echo gives back its inputs.
type Echo struct{}

var _ modules.Module = Echo{}

// Run implements modules.Module.
func (Echo) Run(_ context.Context, in *modules.Input) (*modules.Output, error) {
	msg := in.String("message")
	if msg == "" {
		msg = fmt.Sprintf("echoed %d input(s)", len(in.With))
	}
	return &modules.Output{Message: msg, Values: maps.Clone(in.With)}, nil
}
