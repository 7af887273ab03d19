package engine_test

import (
	"context"
	"fmt"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	_ "github.com/pipe-run/pipe/modules/all" // the built-in modules
)

// The seed's programmatic use, in Go: an executor with a registry and a
// config runs a list of modules, and the caller reads each one's status,
// message and outputs. Run returns once everything it started has ended,
// so there is nothing to shut down.
func Example() {
	plan, err := engine.Parse("inline.yaml", []byte(`
name: inline
config:
  ENABLE_DANGEROUS_AI: false
  GREETING: hello
nodes:
  greet:
    module: echo
    with: {message: "${{ config.GREETING }}, world", words: 2}
  shout:
    module: exec
    needs: greet
    with: {command: ["sh", "-c", "echo '${{ nodes.greet.outputs.message }}' | tr a-z A-Z"]}
  act:
    module: echo
    dangerous: true
`), modules.Default)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := engine.ResolveConfig(plan.Pipeline, engine.ConfigSources{Set: []string{"GREETING=hi"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Config: cfg})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("run:", rec.Status)
	for _, id := range []string{"greet", "shout", "act"} {
		n := rec.Nodes[id]
		fmt.Printf("%s: %s %q\n", id, n.Status, n.Message+n.Reason)
	}
	fmt.Println("stdout:", rec.Nodes["shout"].Outputs["stdout"])
	// Output:
	// run: success
	// greet: success "hi, world"
	// shout: success "HI, WORLD"
	// act: skipped "dangerous module disabled: set ENABLE_DANGEROUS_AI=true to run it"
	// stdout: HI, WORLD
}
