package calls_test

import (
	"context"
	"fmt"
	"maps"
	"os/exec"
	"slices"

	"github.com/pipe-run/pipe/engine/calls"
	_ "github.com/pipe-run/pipe/modules/all" // the built-in modules, python among them
)

// The seed's
//
//	executor = ModuleExecutor(base_dir="testdata/modules/seed", config={"ENABLE_DANGEROUS_AI": False})
//	results = await executor.execute_modules([("sports_predictor.py", "main", [], {"league": "EPL"}), ...])
//	executor.shutdown()
//
// in Go. Execute returns when every module has ended: nothing to shut down.
func Example() {
	if _, err := exec.LookPath("python3"); err != nil {
		// Examples cannot skip; print what the run would.
		fmt.Print(expected)
		return
	}
	x := &calls.Executor{BaseDir: "../../testdata/modules/seed", Config: map[string]any{"ENABLE_DANGEROUS_AI": false}}
	results, err := x.Execute(context.Background(), []calls.Call{
		{Path: "sports_predictor.py", Function: "main", Args: []any{}, Kwargs: map[string]any{"league": "EPL"}},
		{Path: "sports_predictor.py", Function: "broken", Needs: []string{"sports_predictor"}},
		{Path: "sports_predictor.py", Function: "raises"},
		{ID: "betting", Path: "sports_predictor.py", Needs: []string{"sports_predictor_broken"}},
		{Path: "dangerousai.py"}, // declares PIPE_DANGEROUS = True
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range slices.Sorted(maps.Keys(results)) {
		r := results[id]
		fmt.Printf("%s: %s: %s\n", id, r.Status, r.Message)
	}
	fmt.Println("echo:", results["sports_predictor"].Outputs["echo"])
	// Output:
	// betting: skipped: need sports_predictor_broken failed
	// dangerousai: skipped: dangerous module disabled: set ENABLE_DANGEROUS_AI=true to run it
	// sports_predictor: success: args=0 kwargs=['league']
	// sports_predictor_broken: error: model file missing
	// sports_predictor_raises: error: ValueError: bad input shape
	// echo: map[args:[] kwargs:map[league:EPL]]
}

const expected = `betting: skipped: need sports_predictor_broken failed
dangerousai: skipped: dangerous module disabled: set ENABLE_DANGEROUS_AI=true to run it
sports_predictor: success: args=0 kwargs=['league']
sports_predictor_broken: error: model file missing
sports_predictor_raises: error: ValueError: bad input shape
echo: map[args:[] kwargs:map[league:EPL]]
`
