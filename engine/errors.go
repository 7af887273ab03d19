package engine

import (
	"errors"
	"fmt"

	"github.com/pipe-run/pipe/modules"
)

var (
	// ErrUsage marks errors in how pipe was called (flags, --set, --only):
	// the CLI exits 2 for them.
	ErrUsage = errors.New("usage")
	// ErrTimeout is the cause of a node's context when its timeout passes.
	ErrTimeout = errors.New("timed out")
	// ErrInterrupted is the cause of the run's context on SIGINT or SIGTERM.
	ErrInterrupted = errors.New("interrupted")
	// ErrPipelineTimeout is the cause when the pipeline's timeout passes.
	ErrPipelineTimeout = errors.New("pipeline timed out")
	// ErrNotStopped fails a module that did not return within the grace
	// period after its context ended.
	ErrNotStopped = errors.New("module did not stop when cancelled")
	// ErrJournal fails a run whose journal cannot be written before its
	// first node: a run that could not be recorded does not start.
	ErrJournal = errors.New("cannot write the run's journal")
	// ErrRunValues fails a node whose outputs would take the run's over
	// its limit for values (MaxRunValueBytes): see RunValuesError.
	ErrRunValues = errors.New("over the run's limit for values")
)

// ConfigError is a config override that does not fit the key's type.
type ConfigError struct {
	Key  string
	From string // "--set", "environment" or the .env file's path (path:line)
	// Line is the line of the .env file that sets it; 0 for another source.
	Line int
	Err  error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("config %s from %s: %v", e.Key, e.From, e.Err)
}

func (e *ConfigError) Unwrap() []error { return []error{ErrUsage, e.Err} }

// EnvFileError is a .env file (--config's, a dotenv file) that does not
// parse. It quotes nothing of the file: a line holds secrets as often.
type EnvFileError struct {
	// Name says which file: "dotenv .env", "--config custom.env".
	Name string
	// Line is the line that is wrong; 0 when it is not known.
	Line       int
	What, Hint string
}

func (e *EnvFileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%v: %s: %s (%s)", ErrUsage, e.Name, e.What, e.Hint)
	}
	return fmt.Sprintf("%v: %s:%d: %s (%s)", ErrUsage, e.Name, e.Line, e.What, e.Hint)
}

func (e *EnvFileError) Unwrap() error { return ErrUsage }

// DotEnvError is a problem with one of a pipeline's dotenv files: it
// cannot be read, does not parse, or sets a config key to what the key's
// type cannot take. ResolveConfigFrom and EnvFileExtras return it as a
// diagnostic of the pipeline (dotEnvDiagnostic): the pipeline file names
// the file, so the run, as validate, says it is invalid (exit 1), where
// the same problem with --config's file is a usage error (exit 2).
type DotEnvError struct {
	Path string // as DotEnvFiles gives it
	Err  error
}

func (e *DotEnvError) Error() string { return e.Err.Error() }

func (e *DotEnvError) Unwrap() error { return e.Err }

// NodeError is the failure of one attempt of a node.
type NodeError struct {
	Node    string
	Attempt int
	Err     error
}

func (e *NodeError) Error() string {
	return fmt.Sprintf("node %s (attempt %d): %v", e.Node, e.Attempt, e.Err)
}

func (e *NodeError) Unwrap() error { return e.Err }

// RunValuesError fails a node whose outputs, Size bytes of JSON, would take
// what the run holds to Total, over Limit (MaxRunValueBytes). Twice is set
// for an instance of a foreach node, whose outputs count twice: its node's
// fan-in lists them again, in memory for the nodes below and in the record.
type RunValuesError struct {
	Size, Total, Limit int64
	Twice              bool
}

func (e *RunValuesError) Error() string {
	twice := ""
	if e.Twice {
		twice = " (twice: its node's fan-in lists them again)"
	}
	return fmt.Sprintf("outputs of %s%s would bring the outputs of the run to %s, over its %s limit for values: write large data to a file and output its path",
		modules.Size(e.Size), twice, modules.Size(e.Total), limitText(e.Limit))
}

func (e *RunValuesError) Unwrap() error { return ErrRunValues }

// limitText writes a limit in bytes as the README names it: "256 MiB".
func limitText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return modules.Size(n)
}
