// Package modules owns what the engine knows of a module: the Module
// interface, each module's Info (its inputs and outputs, typed), and the
// registry modules add themselves to. It imports nothing of pipe's.
package modules

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
)

// Module is a unit of work a node runs. Run must return soon after ctx is
// done; the engine gives up on it after a short grace.
type Module interface {
	Run(ctx context.Context, in *Input) (*Output, error)
}

// Input is what one attempt of a node gets.
type Input struct {
	// Node is the id of the node being run.
	Node string
	// With holds the node's inputs, `${{ }}` already evaluated: plain JSON
	// values (string, int, float64, bool, nil, []any, map[string]any).
	With map[string]any
	// Attempt counts from 1.
	Attempt int
	// Logger writes to the node's log.
	Logger *slog.Logger
	// Priority is the length of the longest chain of nodes that wait on this
	// one. A module that queues for something shared (the exec module's
	// process starts) serves the highest first, so the critical path does
	// not wait behind leaves.
	Priority int
	// LogFile, when set, is the file the node's full output goes to (the
	// exec and python modules append the program's stdout and stderr). A
	// plain path, so that an Input can be sent to another machine.
	LogFile string
	// Secrets are the values of the run's secret config keys, longest
	// first: a module writes them as *** wherever it keeps output (its log
	// file). The engine masks messages, outputs and log lines itself.
	Secrets []string
	// Run tells the module about the run it is part of.
	Run RunInfo
	// Dir is the run's base directory: the module resolves relative paths
	// against it (see Path), and programs it starts run in it. "" means
	// the current directory.
	Dir string
	// DirSet says that --base-dir or a base_dir chose Dir, not pipe's
	// default: a sub-pipeline of another project keeps its own unless it
	// was chosen (see engine's base directory rules).
	DirSet bool
	// Env holds KEY=VALUE variables that programs the module starts get
	// on top of pipe's own environment: the pipeline's resolved config
	// and the undeclared keys of its .env files (dotenv, --config).
	Env []string
	// AllowDangerous is set when the run lets dangerous nodes run
	// (ENABLE_DANGEROUS_AI): a module that finds its target dangerous only
	// once it runs (a Python file named by a ${{ }}) refuses it otherwise.
	AllowDangerous bool
	// Spec is the module's Info, set by the engine: the accessors
	// (String, Int, ...) panic on a name it does not declare, a typo in
	// the module's code (see UndeclaredInputError). Nil checks nothing.
	Spec *Info
}

// Path returns the path p resolved against the base directory: p itself
// when it is absolute, a URL, or Dir is "".
func (in *Input) Path(p string) string {
	if p == "" || in.Dir == "" || filepath.IsAbs(p) || strings.Contains(p, "://") {
		return p
	}
	return filepath.Join(in.Dir, p)
}

// RunInfo is the read-only view of the run a module may look at (the web
// interface serves it).
type RunInfo interface {
	// ID is the run's id.
	ID() string
	// Pipeline is the pipeline's name.
	Pipeline() string
	// Snapshot returns the run record as it stands, as JSON.
	Snapshot() ([]byte, error)
	// Graph returns the pipeline's graph in DOT, coloured with the run's
	// progress so far.
	Graph() ([]byte, error)
}

// Output is what a successful attempt gives back.
type Output struct {
	// Message says in a line what the node did.
	Message string
	// Values are the node's outputs, read by later nodes as
	// nodes.<id>.outputs.<key>. They must be JSON values.
	Values map[string]any
	// CachedFrom is set by the engine's node cache, never by a module: the
	// run that made these outputs, when they were reused from it.
	CachedFrom string
}

// Error fails a node with a message and optional outputs, the way the
// seed's `{"status": "error", "message": ...}` results did.
type Error struct {
	Message string
	Values  map[string]any
}

func (e *Error) Error() string { return e.Message }

// DangerousError is a module's refusal of code that declares itself
// dangerous, found only as the node runs (a Python file named by a
// ${{ }}), in a run that does not allow it (Input.AllowDangerous).
type DangerousError struct {
	// Why says what makes it dangerous ("path.py declares PIPE_DANGEROUS").
	Why string
}

func (e *DangerousError) Error() string {
	return "dangerous module disabled: " + e.Why + "; set ENABLE_DANGEROUS_AI=true to run it"
}
