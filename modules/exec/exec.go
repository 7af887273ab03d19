// Package exec is the exec module: it runs a program for a node, in the
// seed's contract when the program prints a JSON object.
package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/modules/internal/proc"
)

func init() {
	modules.Register(modules.Info{
		Name: "exec",
		Description: "Runs a program (an argv list; a string runs through sh -c). A JSON object on stdout " +
			"is read in the seed's contract (status, message, other keys are outputs); otherwise the outputs are stdout and exit_code. " +
			"stdout and stderr go to the node's log file; a long stdout is an excerpt that says so, and a JSON object over 4 MiB " +
			"is an error (outputs that large are data: write them to a file and output its path). Time-out and cancel kill the whole process group. Inputs it does not declare are data " +
			"for the program: json_stdin sends them as a JSON object on stdin.",
		AnyInputs:  true,
		ProgramEnv: true,
		Inputs: []modules.Field{
			{Name: "command", Type: modules.Any, Required: true, Shell: true, Example: "[python3, train.py]", Rule: checkCommand,
				Description: "argv list, or a shell command string (each ${{ }} in it is quoted as one sh word; raw(...) pastes shell text as is)"},
			{Name: "env", Type: modules.Map, Rule: checkEnv, Description: "extra environment variables; they win over the config and .env keys the program also gets"},
			{Name: "dir", Type: modules.String, Description: "working directory, relative to the base directory (default: the base directory)"},
			{Name: "stdin", Type: modules.String, Description: "text sent on stdin"},
			{Name: "json_stdin", Type: modules.Bool, Default: false, Description: "send the node's other inputs as a JSON object on stdin"},
			{Name: "stdout_text", Type: modules.Bool, Description: "true: stdout is text (outputs stdout and exit_code), never read in the seed's contract: for a program whose JSON is data (an API's answer, whose status is not pipe's)"},
		},
		Outputs: []modules.Field{
			{Name: "stdout", Type: modules.String, Description: "what the program printed, when it is not a JSON object; past 1 MiB, its first and last lines and where the whole output is"},
			{Name: "exit_code", Type: modules.Int, Description: "the program's exit code"},
			{Name: "*", Type: modules.Any, Description: "the keys of a JSON object printed on stdout"},
		},
		New: func() modules.Module { return Exec{} },
	})
}

var ownInputs = map[string]bool{"command": true, "env": true, "dir": true, "stdin": true, "json_stdin": true, "stdout_text": true}

// Exec runs a program.
type Exec struct{}

var _ modules.Module = Exec{}

// Run implements modules.Module.
func (Exec) Run(ctx context.Context, in *modules.Input) (*modules.Output, error) {
	argv, err := argv(in.With["command"])
	if err != nil {
		return nil, err
	}
	// The program runs in the node's dir, relative to the base directory,
	// or in the base directory itself. A missing one is said here in the
	// user's words: the kernel says "fork/exec PROGRAM: no such file or
	// directory".
	dir := in.Path(in.String("dir"))
	if dir == "" {
		dir = in.Dir
	}
	if dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			if in.String("dir") == "" {
				// The base directory itself: on a worker, the client's,
				// taken from the worker's own project root.
				return nil, fmt.Errorf("the run's base directory %s is not a directory here, where the program would run: "+
					"run pipe from the project (a worker: start it at the root of a checkout of the same project)", dir)
			}
			return nil, fmt.Errorf("input dir: %s is not a directory", in.String("dir"))
		}
	}
	if _, shell := in.With["command"].(string); shell {
		argv[0] = proc.Shell()
	}
	cmd := proc.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	// pipe's environment, then the config (see engine.Options.Env), then
	// the node's env: later entries win.
	cmd.Env = append(os.Environ(), in.Env...)
	if env, ok := in.With["env"].(map[string]any); ok {
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			cmd.Env = append(cmd.Env, k+"="+modules.Text(env[k]))
		}
	}
	switch {
	case in.Bool("json_stdin"):
		data := make(map[string]any, len(in.With))
		for k, v := range in.With {
			if !ownInputs[k] {
				data[k] = v
			}
		}
		b, err := modules.MarshalJSON(data)
		if err != nil {
			return nil, fmt.Errorf("encoding inputs as JSON: %w", err)
		}
		cmd.Stdin = strings.NewReader(string(b))
	case in.String("stdin") != "":
		cmd.Stdin = strings.NewReader(in.String("stdin"))
	}
	res, err := proc.Run(ctx, cmd, proc.Options{Log: in.Logger, EchoStdout: true, Priority: in.Priority, LogFile: in.LogFile, Mask: in.Secrets})
	if err != nil {
		return nil, &modules.Error{Message: err.Error(), Values: map[string]any{"exit_code": res.ExitCode, "stdout": stdoutValue(&res, in.LogFile)}}
	}
	if in.Bool("stdout_text") {
		// Its JSON is data, not a result: the stdout output below.
	} else if obj, ok, err := result(&res); ok || err != nil {
		if err != nil {
			return nil, fmt.Errorf("the JSON the program printed: %w", err)
		}
		out, err := modules.FromResult(obj)
		var me *modules.Error
		if !modules.StatusKnown(obj) && errors.As(err, &me) {
			me.Message += " (or, if that JSON is data, not a result: stdout_text: true)"
		}
		return out, err
	}
	out := stdoutValue(&res, in.LogFile)
	msg := "exit 0"
	if first, _, _ := strings.Cut(out, "\n"); strings.TrimSpace(first) != "" {
		msg = messageLine(first)
	}
	return &modules.Output{Message: msg, Values: map[string]any{"stdout": out, "exit_code": res.ExitCode}}, nil
}

// maxMessageLine bounds the message a program's first line of output
// makes: the whole output is the stdout output, the message a line that
// says what the node did (it was 16 kB of NUL bytes for a binary output).
const maxMessageLine = 200

// messageLine is a program's first line of output as a node's message:
// control characters shown as \uFFFD, cut to maxMessageLine bytes.
func messageLine(line string) string {
	line = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return utf8.RuneError
		}
		return r
	}, strings.TrimRight(line, "\r"))
	if len(line) <= maxMessageLine {
		return line
	}
	cut := maxMessageLine
	for cut > 0 && !utf8.RuneStart(line[cut]) {
		cut--
	}
	return line[:cut] + "…"
}

// result finds the JSON object in the seed's contract on a program's
// stdout. Of an output too long to keep whole, only a last line within
// what is kept of the end can be one: an output that starts a JSON object
// that long is an error, since outputs that large are data.
func result(res *proc.Result) (map[string]any, bool, error) {
	if !res.StdoutCut() {
		return modules.ParseResult(res.Stdout)
	}
	if start := bytes.TrimLeft(res.Stdout, " \t\r\n"); len(start) > 0 && start[0] == '{' {
		return nil, false, modules.TooLarge("stdout starts a JSON object and is", res.StdoutSize)
	}
	tail := bytes.TrimRight(res.StdoutTail, " \t\r\n")
	if i := bytes.LastIndexByte(tail, '\n'); i >= 0 {
		return modules.ParseResult(tail[i+1:])
	}
	return nil, false, nil
}

func argv(command any) ([]string, error) {
	out, err := commandArgv(command)
	if err != nil {
		return nil, fmt.Errorf("input command: %w", err)
	}
	return out, nil
}

// checkCommand is the command input's rule: pipe validate says at the
// input's line what the run would refuse.
func checkCommand(command any) error {
	_, err := commandArgv(command)
	return err
}

func commandArgv(command any) ([]string, error) {
	switch c := command.(type) {
	case string:
		if strings.TrimSpace(c) == "" {
			return nil, errors.New("it is empty: give a shell command or a list of arguments")
		}
		if strings.IndexByte(c, 0) >= 0 {
			return nil, errors.New("the shell command holds a NUL byte, which no program can be given")
		}
		return []string{"sh", "-c", c}, nil
	case []any:
		if len(c) == 0 {
			return nil, errors.New("it is an empty list: give the program and its arguments")
		}
		out := make([]string, len(c))
		for i, item := range c {
			switch x := item.(type) {
			case string:
				out[i] = x
			case int, float64, bool:
				out[i] = modules.Text(x)
			default:
				return nil, fmt.Errorf("item %d must be a string, not %s", i, modules.Describe(item))
			}
			// Said here, where validate sees a literal one at its line:
			// the kernel says "invalid argument".
			if strings.IndexByte(out[i], 0) >= 0 {
				return nil, fmt.Errorf("item %d holds a NUL byte, which no program can be given", i)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("it must be a list of arguments or a shell string, not %s", modules.Describe(command))
}

// checkEnv is the env input's rule: each key must be able to name an
// environment variable, and no value may hold a NUL, which no program
// can be given.
func checkEnv(v any) error {
	env, _ := v.(map[string]any)
	var errs []error // each key's, at it
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if k == "" || strings.ContainsAny(k, "=\x00") {
			errs = append(errs, &modules.KeyError{Key: k, Hint: "name a variable with letters, digits and _ (A=B sets A to B: write A: B)",
				Err: fmt.Errorf("key %s cannot name an environment variable (it is empty, or holds = or a NUL)", strconv.Quote(k))})
		} else if strings.IndexByte(modules.Text(env[k]), 0) >= 0 {
			errs = append(errs, &modules.KeyError{Key: k, Hint: "pass binary data in a file, or base64 (toBase64)",
				Err: fmt.Errorf("the value of %s holds a NUL byte, which no program can be given", k)})
		}
	}
	return errors.Join(errs...)
}
