package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// nil given through the Go API is an error that says what to give, not
// a nil dereference.
func TestNilArgumentsOfTheAPI(t *testing.T) {
	src := []byte("name: n\nnodes:\n  a: {module: echo}\n")
	for _, tt := range []struct {
		name string
		call func() error
		want string
	}{
		{"Parse with no registry", func() error { _, err := engine.Parse("n.yaml", src, nil); return err }, "the module registry is nil"},
		{"Compile of no pipeline", func() error {
			_, d := engine.Compile(nil, modules.Default)
			return d.Err()
		}, "the pipeline is nil"},
		{"Run of no plan", func() error {
			_, err := engine.New(modules.Default).Run(context.Background(), nil, engine.Options{})
			return err
		}, "the plan is nil"},
		{"Run on no registry", func() error {
			plan, err := engine.Parse("n.yaml", src, modules.Default)
			if err != nil {
				return err
			}
			_, err = engine.New(nil).Run(context.Background(), plan, engine.Options{})
			return err
		}, "registry is nil"},
		{"ResolveConfig of no pipeline", func() error { _, err := engine.ResolveConfig(nil, engine.ConfigSources{}); return err }, "the pipeline is nil"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
