package echo

import (
	"context"
	"reflect"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

func TestEcho(t *testing.T) {
	with := map[string]any{"message": "hi", "n": 2, "list": []any{"a"}}
	out, err := Echo{}.Run(context.Background(), &modules.Input{With: with})
	if err != nil || out.Message != "hi" || !reflect.DeepEqual(out.Values, with) {
		t.Fatalf("%v %+v", err, out)
	}
	out, _ = Echo{}.Run(context.Background(), &modules.Input{With: map[string]any{"x": 1}})
	if out.Message != "echoed 1 input(s)" {
		t.Errorf("message %q", out.Message)
	}
}
