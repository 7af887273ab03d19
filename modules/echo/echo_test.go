package echo

import (
	"context"
	"fmt"
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

func TestEchoedMessage(t *testing.T) {
	for _, n := range []int{0, 1, 2, 15, 16, 17, 1000} {
		if got, want := echoed(n), fmt.Sprintf("echoed %d input(s)", n); got != want {
			t.Errorf("echoed(%d) = %q, want %q", n, got, want)
		}
	}
}
