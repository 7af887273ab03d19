package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/pipe-run/pipe/engine"
	pexec "github.com/pipe-run/pipe/modules/exec"
	"github.com/pipe-run/pipe/schema"
)

// Exit codes are part of pipe's interface.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type cli struct {
	globals

	Validate validateCmd `cmd:"" help:"Check pipeline files (default pipelines/*.yaml)."`
	Graph    graphCmd    `cmd:"" help:"Draw a pipeline's graph as DOT (or SVG/PNG through Graphviz)."`
	Run      runCmd      `cmd:"" help:"Run a pipeline."`
	Explain  explainCmd  `cmd:"" help:"Say what each node of a run would do, and why, running nothing."`
	Runs     runsCmd     `cmd:"" help:"List past runs, newest first."`
	Show     showCmd     `cmd:"" help:"Show a run: its nodes, their outputs, its config and where each value came from."`
	Logs     logsCmd     `cmd:"" help:"Print what a run's nodes' programs wrote (-f: as they write it)."`
	Cache    cacheCmd    `cmd:"" help:"List the node cache's entries (pipe cache clear, prune: remove them)."`
	Modules  modulesCmd  `cmd:"" help:"List the modules, with their inputs and outputs."`
	Schema   schemaCmd   `cmd:"" help:"Print the JSON Schema of pipeline files."`
	Worker   workerCmd   `cmd:"" help:"Run nodes of runs submitted to Temporal (pipe run --on), with the modules of this pipe."`
	Status   statusCmd   `cmd:"" help:"Show a run on Temporal (--wait: follow it to its end and record it here)."`
	Cancel   cancelCmd   `cmd:"" help:"Cancel a run on Temporal."`
	Help     helpCmd     `cmd:"" help:"Show help for pipe or one of its commands."`

	Completion completionCmd `cmd:"" help:"Print the shell completion script for bash, zsh or fish."`
}

// globals are the flags of every command. kong flattens the anonymous
// field: they are flags of pipe itself.
type globals struct {
	Debug     bool             `help:"Log at debug level."`
	LogFormat string           `help:"Log format: text, json or logfmt." enum:"text,json,logfmt" default:"text"`
	Version   kong.VersionFlag `help:"Print the version and exit."`
}

// env is what commands get: the streams, the logger set-up and the
// context that ends on SIGINT/SIGTERM.
type env struct {
	ctx    context.Context
	hurry  <-chan struct{} // closed on a second signal: stop waiting for nodes
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	logs   *logs
	// args is the command line as given, for a command that hands it on
	// (a build without Temporal, to the one with it).
	args []string
	// settled is set once the run has ended: a closed output no longer
	// stops anything, so it is no interruption to report.
	settled *atomic.Bool
	// unsaved holds the journals whose recovered record could not be
	// written, once warned of (see logRecovered): a command may recover
	// the same run more than once.
	unsaved map[string]bool
	// started is called by pipe run once its pipeline is read: from then
	// on a signal cancels the run instead of ending pipe (untilStarted).
	started func()
}

// exitError carries the exit code a command ends with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...)}
}

// silent ends a command with a code after it has printed what it had to.
func silent(code int) error { return &exitError{code: code} }

type kongExit int

// newParser is pipe's command line parser; help for run and explain lists
// the parameters of the pipeline in *pa. Given the names of commands, the
// parser knows only those (see smallParser).
func newParser(c *cli, stdout, stderr io.Writer, pa **pipelineArgs, only ...string) (*kong.Kong, error) {
	opts := []kong.Option{
		kong.Name("pipe"),
		kong.Description("pipe runs declarative DAG pipelines of modules, written in YAML."),
		kong.Writers(stdout, stderr),
		kong.Vars{"version": fullVersion()},
		kong.Exit(func(code int) { panic(kongExit(code)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Help(helpWithParams(pa)),
	}
	if only == nil {
		return kong.New(c, opts...)
	}
	for _, name := range only {
		cmd, ok := commandField(c, name)
		if !ok {
			return nil, fmt.Errorf("no command %q", name)
		}
		opts = append(opts, kong.DynamicCommand(name, cmd.help, "", cmd.target))
	}
	return kong.New(&c.globals, opts...)
}

// Main runs pipe with args and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	defer catchClosedOutput()()
	// A signal while the pipeline is read ends pipe at once: nothing runs
	// yet. The exiter is armed as the file is read, and by the command.
	early := newExiter(func(s string) { fmt.Fprintln(stderr, "pipe:", s) })
	defer early.stop()
	files := &pipelineReader{beforeRead: early.arm} // one read for both parsers
	if only := smallParser(args); only != nil {
		if code, done := mainWith(args, only, files, early, stdin, stdout, stderr); done {
			return code
		}
	}
	code, _ := mainWith(args, nil, files, early, stdin, stdout, stderr)
	return code
}

// mainWith runs pipe with a parser that knows the commands named in only,
// or all of them. With some, it returns done false, having printed and run
// nothing, where the others matter: on a usage error (kong's suggestions
// name other commands) and for the pipeline's parameters (their flags must
// not clash with any command's).
func mainWith(args, only []string, files *pipelineReader, early *exiter, stdin io.Reader, stdout, stderr io.Writer) (code int, done bool) {
	var c cli
	var pa *pipelineArgs // the pipeline of run and explain, read before kong parses
	given := args
	parser, err := newParser(&c, stdout, stderr, &pa, only...)
	if err != nil {
		if only != nil {
			return 0, false
		}
		fmt.Fprintln(stderr, "pipe:", err)
		return exitFailed, true
	}
	defer func() {
		if r := recover(); r != nil {
			k, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code, done = int(k), true
		}
	}()
	if len(args) > 0 && args[0] == completeCommand {
		printCompletions(stdout, parser.Model, args[1:])
		return exitOK, true
	}
	args = joinNegatives(parser.Model, args)
	// takeParams may read the pipeline (pipe run - --key V waits on its
	// writer): files arms the exiter first.
	args, pa, err = takeParams(parser.Model, args, files)
	if only != nil && (err != nil || pa.wanted()) {
		return 0, false
	}
	if err != nil {
		for line := range strings.Lines(err.Error()) {
			fmt.Fprintf(stderr, "pipe: %s", line)
		}
		fmt.Fprintln(stderr)
		return exitUsage, true
	}
	c.Run.pipeline, c.Explain.pipeline = pa, pa
	kctx, err := parser.Parse(args)
	if err != nil && closedOutput(err) {
		// Help (--help, pipe help CMD) to an output closed before its
		// end: there is nobody left to tell, nor anything undone.
		return exitOK, true
	}
	if err != nil && only != nil {
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "pipe: %v\n", missingArg(withOtherToolFlag(err)))
		if pa != nil && strings.HasPrefix(err.Error(), "unknown flag") {
			fmt.Fprintf(stderr, "a pipeline's config keys are flags after the file: pipe %s FILE --key VALUE\n", pa.cmd)
		}
		if pa != nil {
			for _, hint := range pa.clashHints(parser.Model, args) {
				fmt.Fprintf(stderr, "pipe: %v\n", hint)
			}
		}
		fmt.Fprintln(stderr, "run `pipe --help` for usage")
		return exitUsage, true
	}
	if err := emptyListFlag(kctx); err != nil {
		fmt.Fprintf(stderr, "pipe: %v\n", err)
		return exitUsage, true
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	hurry := make(chan struct{})
	logs := newLogs(stderr, c.Debug, c.LogFormat)
	say := logs.sayer(stderr)
	settled := new(atomic.Bool)
	e := &env{ctx: ctx, hurry: hurry, stdin: stdin, stdout: stdout, stderr: stderr, logs: logs, args: given, settled: settled, started: func() {}}
	early.sayWith(say)
	if interruptible(kctx) {
		words := localSignals
		if strings.HasPrefix(kctx.Command(), "status ") || strings.HasPrefix(kctx.Command(), "run ") && c.Run.On != "" {
			words = remoteSignals
		}
		stopLate := func() {}
		cancelling := func() {
			stopLate = onSignals(cancel, hurry, say, words, settled, stdout == os.Stdout)
			early.stop() // after: no signal finds no listener
		}
		if strings.HasPrefix(kctx.Command(), "run ") {
			// pipe run reads its pipeline first: a signal ends pipe at
			// once until it calls e.started, then cancels the run.
			early.arm()
			e.started = sync.OnceFunc(cancelling)
		} else {
			cancelling()
		}
		defer func() {
			e.started()
			stopLate()
		}()
	} else {
		early.arm()
	}

	err = kctx.Run(e)
	if err == nil || closedOutput(err) && !interruptible(kctx) {
		return exitOK, true
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil {
			say(xe.err.Error())
		}
		return xe.code, true
	}
	var diags schema.Diagnostics
	if errors.As(err, &diags) {
		if logs.machine {
			logDiagnostics(logs, diags)
		} else {
			printDiagnostics(stderr, diags)
		}
		return exitFailed, true
	}
	say(err.Error())
	if errors.Is(err, engine.ErrUsage) {
		return exitUsage, true
	}
	return exitFailed, true
}

// errOutputClosed is the cause of a run its closed output stopped: the
// record says so (run interrupted: pipe's output was closed), not as of a
// Ctrl-C.
var errOutputClosed = fmt.Errorf("%w: pipe's output was closed", engine.ErrInterrupted)

// signalWords is what pipe says at the first and the second signal, and
// at a closed output, which stops as the first does.
type signalWords struct{ first, second, closed string }

var (
	localSignals = signalWords{
		first:  "interrupted, stopping (again to kill the programs at once)",
		second: "killing the running programs; the record is still written (again to exit at once)",
		closed: "pipe's output was closed (its reader, such as head, went away): stopping as at Ctrl-C; " +
			"send the output to a file (pipe run FILE > out.txt) to let a run go on without a reader; pipe runs lists it",
	}
	// A client of Temporal runs no program: the follower says what the
	// first signal does to the run, and the second stops its wait.
	remoteSignals = signalWords{
		first:  "interrupted",
		second: "interrupted again: no longer waiting for the run (again to exit at once)",
		closed: "pipe's output was closed (its reader went away): interrupted",
	}
)

// onSignals cancels the run on the first SIGINT, SIGTERM or SIGHUP: nodes get
// SIGTERM and the engine's grace to stop. The second kills every program
// (SIGKILL to its group) and cuts the grace short (close of hurry): the
// record is still written. The third exits at once; the watchdog (see
// modules/internal/proc/watchdog) still kills the programs. Once settled
// (the run has ended), a closed output stops nothing and says nothing.
// The same signal again within echoWindow is the same interrupt, sent
// twice (coreutils timeout does), and counts once. The returned func stops
// listening and ends the goroutine. With watchStdout, pipe's stdout losing
// its reader counts as a closed output as soon as it happens, not only
// at the first write to it.
func onSignals(cancel context.CancelCauseFunc, hurry chan<- struct{}, say func(string), words signalWords, settled *atomic.Bool, watchStdout bool) func() {
	sigs := make(chan os.Signal, 3)
	// SIGHUP too: a closed terminal stops the run as Ctrl-C does, and the
	// run is recorded.
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// A closed output (pipe run | head) stops the run too, once, and the
	// record is written: without this, Go ends pipe at the first write to
	// it. Every later write raises it again: those are not more Ctrl-Cs.
	// Nor are the SIGPIPEs of writes to a program's stdin that it did not
	// read (outputClosed tells them apart).
	pipes := make(chan os.Signal, 1)
	signal.Notify(pipes, syscall.SIGPIPE)
	stopWatch := func() {}
	if watchStdout {
		stopWatch = watchStdoutReader(1, func() {
			select {
			case pipes <- syscall.SIGPIPE: // as a write to it would raise
			default: // one is waiting already
			}
		})
	}
	done := make(chan struct{})
	go func() {
		var seen echoes
		for n := 1; ; n++ {
			closed := false
			select {
			case sig := <-sigs:
				if seen.echo(sig, time.Now()) {
					n-- // one interrupt sent twice (see echoWindow)
					continue
				}
			case <-pipes:
				if n > 1 || !outputClosed() {
					n-- // not a stop of its own
					continue
				}
				// Not signal.Ignore(SIGPIPE): it unregisters the signal
				// before it ignores it, and a write to the closed output
				// between the two (the summary, on another goroutine)
				// killed pipe with SIGPIPE. Later ones come here and are
				// no new stop (n > 1, or the run settled).
				if settled.Load() {
					n-- // the summary of a run that has ended: nothing to stop
					continue
				}
				closed = true
			case <-done:
				return
			}
			switch n {
			case 1:
				if closed {
					say(words.closed)
					cancel(errOutputClosed)
				} else {
					say(words.first)
					cancel(engine.ErrInterrupted)
				}
			case 2:
				say(words.second)
				pexec.KillAll()
				close(hurry)
			default:
				os.Exit(exitInterrupted)
			}
		}
	}()
	return func() {
		stopWatch()
		signal.Stop(sigs)
		signal.Stop(pipes)
		close(done)
	}
}

// missingArg words kong's `expected "<file>"` (pipe run alone) as what is
// missing and how the command is written; other errors as they are.
func missingArg(err error) error {
	var pe *kong.ParseError
	if !errors.As(err, &pe) || pe.Context == nil || !strings.HasPrefix(err.Error(), `expected "<`) {
		return err
	}
	cmd := pe.Context.Selected()
	if cmd == nil {
		return err
	}
	what := strings.Trim(strings.TrimPrefix(err.Error(), "expected "), `"<>`)
	return fmt.Errorf("%s needs its <%s> argument: pipe %s", cmd.Path(), what, cmd.Summary())
}
