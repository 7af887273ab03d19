// Package echo is the echo module: it gives back its inputs as outputs,
// for wiring pipelines together and for tests.
package echo

import (
	"context"
	"maps"
	"strconv"

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
		msg = echoed(len(in.With))
	}
	return &modules.Output{Message: msg, Values: maps.Clone(in.With)}, nil
}

// echoed is the message of a node without one: "echoed N input(s)". Most
// echo nodes have a handful of inputs, whose messages are made once
// (fmt.Sprintf was a tenth of an echo node's run).
func echoed(n int) string {
	if n < len(echoedMessages) {
		return echoedMessages[n]
	}
	return "echoed " + strconv.Itoa(n) + " input(s)"
}

var echoedMessages = func() (m [16]string) {
	for n := range m {
		m[n] = "echoed " + strconv.Itoa(n) + " input(s)"
	}
	return m
}()
