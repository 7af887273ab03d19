package temporal_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
	"github.com/pipe-run/pipe/modules"
)

// missingOutputs reads an output check did not give inside || (in the
// branch not taken) and in an input: deploy and use fail, and after runs
// on failure(), where deploy and use ran (use with null) and after was
// skipped.
const missingOutputs = `name: missing_output
config: {GO: true}
nodes:
  check: {module: echo, with: {ready: true}}
  deploy: {module: echo, needs: check, when: "config.GO || nodes.check.outputs.redy"}
  use: {module: echo, needs: check, with: {x: "${{ nodes.check.outputs.redy }}"}}
  after: {module: echo, needs: [deploy, use], when: failure()}
`

func TestMissingOutputOnTemporal(t *testing.T) {
	c, q := onWorker(t)
	rec := submit(t, c, q, missingOutputs, nil, 0)
	nodeIs(t, rec, "deploy", engine.StatusError, `test.yaml:5:80: when: config.GO || nodes.check.outputs.redy: check gave no output redy (it gave outputs ready)`)
	nodeIs(t, rec, "use", engine.StatusError, "input x: ${{ nodes.check.outputs.redy }}: check gave no output redy")
	nodeIs(t, rec, "after", engine.StatusSuccess, "")
	replay(t, c, rec.ID)
}

// Runs started before every read of a missing output failed replay as
// they ran: missing-output-read.json is missingOutputs run by the
// workflow of before (deploy and use ran, after was skipped);
// no server is needed.
func TestReplayRunsThatReadMissingOutputsAsNull(t *testing.T) {
	r := worker.NewWorkflowReplayer()
	temporal.RegisterWorkflow(r, modules.Default)
	if err := r.ReplayWorkflowHistoryFromJSONFile(nil, filepath.Join("testdata", "missing-output-read.json")); err != nil {
		t.Error(err)
	}
}
