package engine_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// bigModule outputs values of about `size` bytes, in the shape `kind`
// says; `fail` returns them with an error instead.
func bigModule() modules.Info {
	return modules.Info{Name: "big", Description: "outputs large values",
		Inputs: []modules.Field{{Name: "size", Type: modules.Int, Required: true}, {Name: "kind", Type: modules.String, Default: "string"}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				n := in.Int("size")
				var v any
				switch in.String("kind") {
				case "string", "fail":
					v = strings.Repeat("x", n)
				case "list":
					list := make([]any, n/8)
					for i := range list {
						list[i] = 1.5
					}
					v = list
				case "struct": // not a plain value: the engine encodes it
					v = struct{ Data []byte }{make([]byte, n*3/4)} // base64: 4/3 longer
				case "escaped": // each byte encodes to six
					v = strings.Repeat("\x01", n/6)
				}
				if in.String("kind") == "fail" {
					return nil, &modules.Error{Message: "failed", Values: map[string]any{"data": v}}
				}
				return &modules.Output{Message: "made", Values: map[string]any{"data": v, "log": in.LogFile}}, nil
			})
		}}
}

func TestOutputSizeLimit(t *testing.T) {
	const over = modules.MaxValueBytes + 100<<10
	tests := []struct {
		name   string
		kind   string
		size   int
		err    string
		output bool // the record keeps an output "data"
	}{
		{name: "small", kind: "string", size: 1000, output: true},
		{name: "just under", kind: "string", size: modules.MaxValueBytes - 100, output: true},
		{name: "string over", kind: "string", size: over, err: "outputs are 4.3 MB, over the 4 MiB limit for values: write large data to a file and output its path"},
		{name: "list over", kind: "list", size: 2 * over, err: "over the 4 MiB limit for values"},
		{name: "Go value over", kind: "struct", size: over, err: "over the 4 MiB limit for values"},
		{name: "short but escaped over", kind: "escaped", size: over, err: "over the 4 MiB limit for values"},
		{name: "error with outputs over", kind: "fail", size: over, err: "failed"},
	}
	reg := modules.NewRegistry()
	reg.Register(bigModule())
	eng := engine.New(reg)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: big\nnodes:\n  b:\n    module: big\n    retries: 2\n    with: {kind: " + tt.kind + ", size: " + strconv.Itoa(tt.size) + "}\n"
			plan, err := engine.Parse("big.yaml", []byte(src), reg)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := eng.Run(context.Background(), plan, engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			n := rec.Nodes["b"]
			if tt.err == "" && n.Status != engine.StatusSuccess {
				t.Fatalf("status %s: %s", n.Status, n.Message)
			}
			if tt.err != "" && (n.Status != engine.StatusError || !strings.Contains(n.Message, tt.err)) {
				t.Fatalf("status %s, message %q: want an error with %q", n.Status, n.Message, tt.err)
			}
			if _, kept := n.Outputs["data"]; kept != tt.output {
				t.Errorf("output data kept: %v, want %v", kept, tt.output)
			}
			if tt.kind != "fail" && tt.err != "" && n.Attempts != 1 {
				t.Errorf("%d attempts: outputs too large are not retried", n.Attempts)
			}
		})
	}
}

// A module's message of megabytes (an exception's text) is kept to its
// start and end in the record, and what downstream nodes read of it.
func TestLongMessageIsCut(t *testing.T) {
	long := "START " + strings.Repeat("x", 3<<20) + " END"
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "talk", Inputs: []modules.Field{{Name: "fail", Type: modules.Bool}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				if in.Bool("fail") {
					return nil, &modules.Error{Message: long}
				}
				return &modules.Output{Message: long}, nil
			})
		}})
	src := `name: talk
nodes:
  ok: {module: talk}
  bad: {module: talk, with: {fail: true}, continue_on_error: true}
  read: {module: echo, needs: [ok, bad], with: {ok: "${{ nodes.ok.message }}", bad: "${{ nodes.bad.message }}"}}
`
	echo, _ := modules.Default.Lookup("echo")
	reg.Register(*echo)
	plan, err := engine.Parse("talk.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ok", "bad"} {
		msg := rec.Nodes[id].Message
		if len(msg) > modules.MaxMessageBytes+100 || !strings.HasPrefix(msg, "START ") || !strings.HasSuffix(msg, " END") || !strings.Contains(msg, "MB of the message cut") {
			t.Errorf("%s: message of %d bytes (%.40q...%.40q), want its start and end, about %d bytes", id, len(msg), msg, msg[max(0, len(msg)-40):], modules.MaxMessageBytes)
		}
		if got, _ := rec.Nodes["read"].Outputs[id].(string); got != msg {
			t.Errorf("read saw %d bytes of %s's message, the record keeps %d", len(got), id, len(msg))
		}
	}
}

// Options.LogDir gives each node its log file's path; without it, none.
func TestLogDir(t *testing.T) {
	reg := modules.NewRegistry()
	reg.Register(bigModule())
	plan, err := engine.Parse("log.yaml", []byte("name: log\nnodes:\n  fit:\n    module: big\n    with: {size: 1}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run-1")
	for _, tt := range []struct{ dir, want string }{{dir, filepath.Join(dir, "fit.log")}, {"", ""}} {
		rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{LogDir: tt.dir})
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.Nodes["fit"].Outputs["log"]; got != tt.want {
			t.Errorf("LogDir %q: log file %q, want %q", tt.dir, got, tt.want)
		}
	}
}

// An expression past expr's size limit says how large one may be and what
// to do instead, whether the parser or the compiler stops it.
func TestExpressionTooLargeHasAHint(t *testing.T) {
	for _, terms := range []int{800, 5000} {
		when := strings.Repeat("config.A && ", terms-1) + "config.A"
		_, err := engine.Parse("big.yaml", []byte("config: {A: true}\nnodes:\n  a: {module: echo, when: \""+when+"\"}\n"), modules.Default)
		var diags schema.Diagnostics
		if !errors.As(err, &diags) || len(diags) != 1 || !strings.Contains(diags[0].Hint, "an expression may have up to") {
			t.Errorf("%d terms: %v (hint %q), want one error with a hint on the size", terms, err, hintOf(diags))
		}
	}
}

func hintOf(d schema.Diagnostics) string {
	if len(d) == 0 {
		return ""
	}
	return d[0].Hint
}
