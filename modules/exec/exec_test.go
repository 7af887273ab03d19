package exec_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/pipe-run/pipe/modules"
	pexec "github.com/pipe-run/pipe/modules/exec"
)

// The watchdog of programs started here is watched until it ends, with
// the test process.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/pipe-run/pipe/modules/internal/proc/watchdog.(*Conn).watch"))
}

func run(t *testing.T, ctx context.Context, with map[string]any) (*modules.Output, error) {
	t.Helper()
	return pexec.Exec{}.Run(ctx, &modules.Input{Node: "n", With: with, Attempt: 1, Logger: slog.New(slog.DiscardHandler)})
}

func TestExec(t *testing.T) {
	tests := []struct {
		name    string
		with    map[string]any
		values  map[string]any
		message string
		err     string
	}{
		{name: "argv list", with: map[string]any{"command": []any{"echo", "hello", "world"}},
			values: map[string]any{"stdout": "hello world", "exit_code": 0}, message: "hello world"},
		{name: "shell string", with: map[string]any{"command": "echo $((6*7))"},
			values: map[string]any{"stdout": "42", "exit_code": 0}},
		// The message is a line that says what the node did; the output
		// is whole in stdout.
		{name: "a long first line", with: map[string]any{"command": "printf 'é%.0s' $(seq 300); echo; echo second"},
			message: strings.Repeat("é", 100) + "…"},
		{name: "binary output", with: map[string]any{"command": "printf 'a\\000\\001b\\r\\n'"}, message: "a\uFFFD\uFFFDb"},
		{name: "argv is not a shell", with: map[string]any{"command": []any{"echo", "$HOME", "|", "cat"}},
			values: map[string]any{"stdout": "$HOME | cat", "exit_code": 0}},
		{name: "seed contract on stdout", with: map[string]any{"command": `echo '{"status": "success", "message": "fitted", "n": 3, "rate": 0.5}'`},
			values: map[string]any{"n": 3, "rate": 0.5}, message: "fitted"},
		{name: "contract on the last line after progress", with: map[string]any{"command": `echo loading; echo '{"message": "ok", "k": [1]}'`},
			values: map[string]any{"k": []any{1}}, message: "ok"},
		{name: "status error fails", with: map[string]any{"command": `echo '{"status": "error", "message": "no data"}'`},
			err: "no data"},
		// An API's answer has a status of its own: unknown to pipe, it
		// fails the node, saying how to keep such JSON as data.
		{name: "a status pipe does not know", with: map[string]any{"command": `echo '{"status": "UP"}'`},
			err: `module reported status "UP", which pipe does not know: return "success" or "error" (or, if that JSON is data, not a result: stdout_text: true)`},
		{name: "stdout_text keeps JSON as data", with: map[string]any{"command": `echo '{"status": "UP"}'`, "stdout_text": true},
			values: map[string]any{"stdout": `{"status": "UP"}`, "exit_code": 0}},
		{name: "stdout_text false reads the contract", with: map[string]any{"command": `echo '{"status": "ok", "n": 1}'`, "stdout_text": false},
			values: map[string]any{"n": 1}},
		{name: "exit code and stderr tail", with: map[string]any{"command": "echo first >&2; echo last >&2; exit 3"},
			err: "exit status 3; stderr ends:\nfirst\nlast"},
		{name: "stdin", with: map[string]any{"command": "tr a-z A-Z", "stdin": "shout"},
			values: map[string]any{"stdout": "SHOUT", "exit_code": 0}},
		{name: "other inputs as JSON on stdin", with: map[string]any{"command": "cat", "json_stdin": true, "x": 1, "y": []any{"a"}},
			values: map[string]any{"x": 1, "y": []any{"a"}}},
		{name: "other inputs as JSON, read by the program", with: map[string]any{"command": "wc -c", "json_stdin": true, "x": 1},
			values: map[string]any{"stdout": "7"}},
		{name: "env and dir", with: map[string]any{"command": "echo $GREETING $(pwd)", "env": map[string]any{"GREETING": "hi"}, "dir": "/"},
			values: map[string]any{"stdout": "hi /", "exit_code": 0}},
		// Values as a ${{ }} in the command's text reads them: JSON, and
		// null as nothing, not Go's [1 two] and <nil>.
		{name: "env values of every type", with: map[string]any{"command": `printf '%s|%s|%s|%s|%s' "$L" "$M" "$N" "$F" "$B"`,
			"env": map[string]any{"L": []any{1, "two", 3.5}, "M": map[string]any{"k": []any{1}}, "N": nil, "F": 0.1, "B": true}},
			values: map[string]any{"stdout": `[1,"two",3.5]|{"k":[1]}||0.1|true`, "exit_code": 0}},
		// As a float, 18446744073709551615 would lose its last digits:
		// two ids would compare equal, and nothing would say so.
		{name: "whole number past 64 bits", with: map[string]any{"command": `echo progress; echo '{"n": 1, "ids": [5, 18446744073709551615]}'`},
			err: `the JSON the program printed: ids[1] is 18446744073709551615, a whole number past 64 bits`},
		// Go writes the float 1e19 so: it reads back as written.
		{name: "a float written without its exponent", with: map[string]any{"command": `echo '{"f": 10000000000000000000, "g": -100000000000000000000}'`},
			values: map[string]any{"f": 1e19, "g": -1e20}},
		{name: "past 64 bits as a float is fine", with: map[string]any{"command": `echo '{"n": 18446744073709551615.0, "m": 1e30}'`},
			values: map[string]any{"n": 18446744073709551615.0, "m": 1e30}},
		{name: "missing program", with: map[string]any{"command": []any{"no-such-program-pipe"}}, err: "cannot run no-such-program-pipe: no program of that name on PATH: install it, or give its path"},
		{name: "empty command", with: map[string]any{"command": []any{}}, err: "empty list"},
		{name: "bad command type", with: map[string]any{"command": 42}, err: "list of arguments or a shell string"},
		{name: "missing dir", with: map[string]any{"command": []any{"true"}, "dir": "/no/such/dir"}, err: "input dir: /no/such/dir is not a directory"},
		{name: "NUL in an argument", with: map[string]any{"command": []any{"echo", "a\x00b"}}, err: "item 1 holds a NUL byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, context.Background(), tt.with)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.values {
				if got := out.Values[k]; !equal(got, v) {
					t.Errorf("output %s = %#v, want %#v", k, got, v)
				}
			}
			if tt.message != "" && out.Message != tt.message {
				t.Errorf("message %q, want %q", out.Message, tt.message)
			}
		})
	}
}

// equal compares outputs as printed, ignoring surrounding blanks (wc pads
// its count on some systems).
func equal(a, b any) bool {
	return strings.TrimSpace(fmt.Sprint(a)) == strings.TrimSpace(fmt.Sprint(b))
}

// A program that cannot start says why in the words of one who wrote the
// command, and what to do, not os/exec's "fork/exec X: errno".
func TestStartErrorsSayWhatToDo(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"data.csv": "a,b\n", "bare.sh": "echo hi\n", "badbang.sh": "#!/no/such/interpreter\necho\n", "crlf.sh": "#!/bin/sh\r\necho\r\n"} {
		mode := os.FileMode(0o755)
		if name == "data.csv" {
			mode = 0o644
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, tc := range []struct {
		command any
		want    string
	}{
		{[]any{"./nothing"}, "cannot run ./nothing (relative to " + dir + ", where the node runs): no such file"},
		{[]any{"./data.csv"}, "not executable (chmod +x it, or run it through its interpreter: [sh, ./data.csv])"},
		{[]any{"./sub"}, "cannot run ./sub (relative to " + dir + ", where the node runs): it is a directory"},
		{[]any{"./bare.sh"}, "a script needs a #! line"},
		{[]any{"./badbang.sh"}, "its #! line names /no/such/interpreter, which is not installed"},
		{[]any{"./crlf.sh"}, "its lines end in \\r\\n (written on Windows)"},
		{[]any{""}, "the command's first word, the program to run, is empty"},
		{"echo " + strings.Repeat("x", 3<<20), "its argument 2 is 3145733 bytes, more than the system takes in one (128 KiB): hand large values on stdin"},
		{manyArgs(40, 100<<10), "its command line and environment ("},
	} {
		_, err := run(t, context.Background(), map[string]any{"command": tc.command, "dir": dir})
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "fork/exec") {
			t.Errorf("%.40v: error %v, want it to say %q (and not fork/exec)", tc.command, err, tc.want)
		}
	}
}

// manyArgs is true with n arguments of size bytes each.
func manyArgs(n, size int) []any {
	args := []any{"true"}
	for range n {
		args = append(args, strings.Repeat("x", size))
	}
	return args
}

// A run's base directory missing where the node runs (a worker started
// outside the project) is named, with what to do: it said "input dir:
// is not a directory", naming no directory, of an input never given.
func TestMissingBaseDirIsNamed(t *testing.T) {
	_, err := pexec.Exec{}.Run(context.Background(), &modules.Input{Node: "n", With: map[string]any{"command": []any{"true"}},
		Dir: "/no/such/base", Attempt: 1, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "the run's base directory /no/such/base is not a directory here") ||
		!strings.Contains(err.Error(), "start it at the root of a checkout") {
		t.Errorf("error %v, want it to name the base directory and say what to do", err)
	}
}
