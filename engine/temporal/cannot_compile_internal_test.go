package temporal

import (
	"strings"
	"testing"

	"github.com/pipe-run/pipe/schema"
)

// Why a worker cannot compile a run says what to do about it: a module
// its pipe lacks, a file it does not have where the client had it (a
// worker started in a subdirectory, or in another checkout, said only "no
// such file"), or a rule of its pipe's that the client's did not have.
func TestCannotCompileSaysWhatToDo(t *testing.T) {
	src := schema.NewSource("p.yaml", []byte("name: p\nnodes:\n  a: {module: x}\n"))
	for _, tt := range []struct {
		msg, want string
	}{
		{`unknown module "echo"`, "its pipe lacks it"},
		{`node k: pipeline file "p/sub.yaml": no such file`, "start workers at the root of the same checkout"},
		{"node a has both foreach and matrix", "this worker's pipe refuses it"},
	} {
		got := cannotCompile("p.yaml", schema.Diagnostics{src.Diag(schema.Pos{Line: 3, Col: 6}, "", "%s", tt.msg)})
		if !strings.Contains(got, tt.msg) || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %s, want it to say %q", tt.msg, got, tt.want)
		}
	}
}
