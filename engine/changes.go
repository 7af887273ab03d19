package engine

import (
	"errors"

	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/pipe-run/pipe/modules"
)

// This file holds the changes of what the core decides that a run started
// before one must not see, and how such a run decides as it did.

// Change names a change of what the scheduling core decides. A Temporal
// workflow replays its run from its history, on whatever worker takes it:
// a run an earlier pipe started, replayed by a worker that decides
// otherwise (starts another node, or one more), cannot go on. Its driver
// answers Options.Adopts, which is asked only where the change would
// decide otherwise (but for ChangeInputsAtStart, asked of every run).
// The names are written in Temporal's histories: never rename one.
type Change string

// The changes a run is asked about.
const (
	// ChangeInputsAtStart: a node's inputs, and a foreach instance's,
	// are resolved as it starts (an input that cannot be fails it then),
	// not as it is readied. Before, a node whose inputs failed failed at
	// once, and readied what is below it sooner: under max_parallel,
	// other nodes started in another order, and fail_fast cancelled the
	// instances queued before a failed one.
	ChangeInputsAtStart Change = "inputs-at-start"
	// ChangeMissingOutputFails: a `when` that comes out null because it
	// reads an output its node did not give fails its node. Before, it
	// was false: the node was skipped, and failure() below it was false.
	ChangeMissingOutputFails Change = "when-missing-output-fails"
	// ChangeOutputReads: any expression (a `when` inside &&, || or !, an
	// input's ${{ }}, a foreach, a sub-pipeline's outputs) that reads an
	// output its node succeeded without giving fails, read or not, unless
	// it tests for its absence or the module declares the output. Before,
	// only a `when` that came out null failed (ChangeMissingOutputFails),
	// for a declared output too; other reads read null.
	ChangeOutputReads Change = "output-reads"
	// ChangeMessageClip: a node's message past modules.MaxMessageBytes is
	// cut to its start and end. Before, nodes.X.message read it whole.
	ChangeMessageClip Change = "message-clip"
	// ChangeExprBudget: one evaluation builds up to exprBudget items.
	// Before, expr's own bound, a million, failed it.
	ChangeExprBudget Change = "expr-budget-2m"
	// ChangeAnyKeyMaps: a map keyed by any (fromPairs, groupBy) is a
	// mapping, its keys as text. Before, it stayed as it was: a node
	// given one failed on Temporal, whose task could not encode it.
	ChangeAnyKeyMaps Change = "any-key-maps"
	// ChangeRunValuesBound: a node whose outputs would take the run's past
	// MaxRunValueBytes fails. Before, none did. A run on Temporal reaches
	// it only on a server whose history limit was raised past 128 MiB
	// (each byte counted came in an activity's result, an instance's
	// counted twice; the default limit is 50 MB), so no recorded history
	// tests it.
	ChangeRunValuesBound Change = "run-values-bound"
	// ChangeNaNInputs: a number input whose value is NaN, written or
	// worked out, fails its node (modules.ErrNaN) as its inputs are
	// resolved. Before, the module got it.
	ChangeNaNInputs Change = "nan-inputs"
)

// adopts reports whether run c (nil: none) takes change ch.
func (c *core) adopts(ch Change) bool {
	return c == nil || c.opts.Adopts == nil || c.opts.Adopts(ch)
}

// decideWithInputs applies `when` to ready node i in env and, if it runs,
// resolves its inputs now, as runs did before ChangeInputsAtStart: a
// final status with its reason for a node that will not run, else "".
func (c *core) decideWithInputs(i int, env any) (Status, string) {
	if status, reason := c.evaluateWhen(i, env); status != "" {
		return status, reason
	}
	return c.readyInputs(i, env)
}

// readyInputs resolves the inputs of node or instance i in env as it is
// readied, as runs did before ChangeInputsAtStart: a node whose inputs
// cannot be resolved fails now, else they wait with it for its start.
func (c *core) readyInputs(i int, env any) (Status, string) {
	with, err := c.inputs(i, env)
	if err != nil {
		return StatusError, err.Error()
	}
	c.nodes[i].with = with
	return "", ""
}

// nullWhen is the error of node or instance i's `when` that came out
// null: nil when it is false. A run that takes ChangeOutputReads checked
// the when's reads before it ran it (outputsGiven): null is then an
// output given as null, one its module declares, or one of a node that
// did not succeed, and false. A run started before fails it for an output
// its plain node did not give (missingWhenRead) if it takes
// ChangeMissingOutputFails, and reads it as false if not.
func (c *core) nullWhen(i int) error {
	err := c.missingWhenRead(i)
	if err == nil || c.adopts(ChangeOutputReads) || !c.adopts(ChangeMissingOutputFails) {
		return nil
	}
	return err
}

// clipMessage bounds a node's message (modules.ClipMessage), unless the
// run does not take ChangeMessageClip.
func (c *core) clipMessage(msg string) string {
	if clipped := modules.ClipMessage(msg); len(clipped) != len(msg) && c.adopts(ChangeMessageClip) {
		return clipped
	}
	return msg
}

// exprBudget bounds the items one evaluation builds, counting those it
// makes along the way: a range of a million (a foreach's most instances)
// and a map over it. expr's own bound, a million, refused 1..1000000.
const exprBudget = 2_000_001

// evalExpr runs a compiled program within exprBudget. A run that may not
// take ChangeExprBudget runs it within expr's bound first, and again
// within exprBudget only when that was too small and the run takes it.
func (c *core) evalExpr(prog *vm.Program, env any) (any, error) {
	if c.opts.Adopts == nil {
		m := vm.VM{MemoryBudget: exprBudget}
		return m.Run(prog, env)
	}
	m := vm.VM{MemoryBudget: conf.DefaultMemoryBudget}
	out, err := m.Run(prog, env)
	var fe *file.Error
	if err == nil || !errors.As(err, &fe) || fe.Message != budgetExceeded {
		return out, err
	}
	if c.adopts(ChangeExprBudget) {
		m = vm.VM{MemoryBudget: exprBudget}
		return m.Run(prog, env)
	}
	fe.Message = budgetOfAMillion // worded as it was
	return out, err
}

// budgetExceeded is expr's message for an evaluation past its bound;
// budgetOfAMillion that of one past expr's own, in a run that does not
// take ChangeExprBudget.
const (
	budgetExceeded   = "memory budget exceeded"
	budgetOfAMillion = "memory budget of a million exceeded"
)

// nanInput is the error of input in of node pn whose value v is NaN
// where the module takes a number (modules.ErrNaN), nil otherwise, or for
// a run that does not take ChangeNaNInputs.
func (c *core) nanInput(pn *planNode, key string, v any) error {
	if x, isFloat := v.(float64); !isFloat || x == x {
		return nil
	}
	if f, declared := pn.info.Input(key); !declared || f.Type != modules.Number || !c.adopts(ChangeNaNInputs) {
		return nil
	}
	return modules.ErrNaN
}
