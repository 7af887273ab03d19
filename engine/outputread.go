package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// This file holds the check of an expression's reads of outputs its node
// did not give. expr reads nodes.check.outputs.redy, a typo of ready, as
// null: `!`, `&&` and `== true` turned that into false or into an error
// that did not say why, and an input got null. pipe validate checks the
// names a module declares; the names exec, python and echo give are known
// only once their node has run, and are checked then.

// requiredRead is a read of nodes.<id>.outputs.<key> that fails its
// expression when the node succeeded without giving the output.
type requiredRead struct {
	outputRef
	// boolean is set when the read is where true or false is wanted (an
	// operand of && or !, a condition, a `when` whole): its absence
	// would read as false.
	boolean bool
}

// readScan is a visitor that finds an expression's output reads, those it
// tests for absence, and where it wants true or false.
type readScan struct {
	reads   []readAt
	tested  []outputRef // id and key only
	boolean []ast.Node  // the nodes where true or false is wanted
	conds   []*ast.ConditionalNode
	// The slices start in these: an expression reads a few outputs, and
	// compiling a pipeline's expressions is part of loading it.
	readsBuf   [4]readAt
	testedBuf  [2]outputRef
	booleanBuf [8]ast.Node
}

type readAt struct {
	n   ast.Node
	ref outputRef
}

// requiredReads returns the reads of outputs in the expression root (a
// `when` when asBool) that fail it when not given, each output once, in
// the order they are written: all but those of outputs the expression
// tests for absence anywhere in it (nodes.<id>.outputs.<key> ?? default,
// == nil or != nil, 'key' in nodes.<id>.outputs, ?.).
func requiredReads(root ast.Node, asBool bool) []requiredRead {
	s := &readScan{}
	s.reads, s.tested, s.boolean = s.readsBuf[:0], s.testedBuf[:0], s.booleanBuf[:0]
	ast.Walk(&root, s)
	if len(s.reads) == 0 {
		return nil
	}
	if asBool {
		s.boolean = append(s.boolean, unchain(root))
	}
	// Post-order puts a conditional after those inside it: from the last,
	// one in a place of true or false passes it to its branches.
	for _, cond := range slices.Backward(s.conds) {
		if slices.Contains(s.boolean, ast.Node(cond)) {
			s.boolean = append(s.boolean, unchain(cond.Exp1), unchain(cond.Exp2))
		}
	}
	req := make([]requiredRead, 0, len(s.reads))
	for _, r := range s.reads {
		same := func(o outputRef) bool { return o.id == r.ref.id && o.key == r.ref.key }
		if slices.ContainsFunc(s.tested, same) || slices.ContainsFunc(req, func(q requiredRead) bool { return same(q.outputRef) }) {
			continue
		}
		req = append(req, requiredRead{outputRef: r.ref, boolean: slices.Contains(s.boolean, r.n)})
	}
	return req
}

func (s *readScan) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.MemberNode:
		if id, key, _, off := outputRead(n); id != "" {
			s.reads = append(s.reads, readAt{n: n, ref: outputRef{id: id, key: key, off: off}})
		}
		if n.Optional {
			// nodes.<id>.outputs?.<key>, or nodes.<id>.outputs.<key>?.field
			s.test(n)
			s.test(n.Node)
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "??":
			s.test(n.Left)
		case "==", "!=":
			if _, isNil := n.Right.(*ast.NilNode); isNil {
				s.test(n.Left)
			}
			if _, isNil := n.Left.(*ast.NilNode); isNil {
				s.test(n.Right)
			}
		case "in":
			if key, isStr := n.Left.(*ast.StringNode); isStr {
				if id := outputsOf(unchain(n.Right)); id != "" {
					s.tested = append(s.tested, outputRef{id: id, key: key.Value})
				}
			}
		case "&&", "||", "and", "or":
			s.boolean = append(s.boolean, unchain(n.Left), unchain(n.Right))
		}
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			s.boolean = append(s.boolean, unchain(n.Node))
		}
	case *ast.ConditionalNode:
		s.boolean = append(s.boolean, unchain(n.Cond))
		s.conds = append(s.conds, n)
	}
}

// test notes that the expression tests n, when it is an output read, for
// absence.
func (s *readScan) test(n ast.Node) {
	if id, key, _, _ := outputRead(unchain(n)); id != "" {
		s.tested = append(s.tested, outputRef{id: id, key: key})
	}
}

// unchain is n without the chain node that ?. wraps around it.
func unchain(n ast.Node) ast.Node {
	if c, ok := n.(*ast.ChainNode); ok {
		return c.Node
	}
	return n
}

// outputsOf returns <id> when n is nodes.<id>.outputs.
func outputsOf(n ast.Node) string {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return ""
	}
	if p, isStr := m.Property.(*ast.StringNode); !isStr || p.Value != "outputs" {
		return ""
	}
	return narrowRead(m)
}

// outputsGiven returns the error of the first output e requires
// (compiled.required) that its node succeeded without giving, when the
// node's module does not declare it: evaluated or not (a short-circuit
// or a branch not taken), a typo fails every run, not only those that
// reach it. A node that did not succeed gave none to read.
func (c *core) outputsGiven(e *compiled) error {
	if len(e.required) == 0 {
		return nil
	}
	for _, r := range e.required {
		j, ok := c.plan.Graph.Index(r.id)
		if !ok || c.nodes[j].rec.Status != StatusSuccess {
			continue
		}
		if _, given := c.nodes[j].outputs[r.key]; given || declares(&c.plan.nodes[j], r.key) {
			continue
		}
		hint := fmt.Sprintf("write nodes.%s.outputs.%s ?? <default> if it may be absent", r.id, r.key)
		if r.boolean {
			hint = fmt.Sprintf("write nodes.%s.outputs.%s ?? false if its absence means false", r.id, r.key)
		}
		if !c.adopts(ChangeOutputReads) {
			return nil // a run started before: its when decides (nullWhen)
		}
		return c.outputMissing(j, r.outputRef, hint)
	}
	return nil
}

// declares reports whether node pn's module declares output key by name:
// then validate checked the name, and the module did not give it this
// time (exec's stdout, when its program printed a JSON object).
func declares(pn *planNode, key string) bool {
	return pn.info != nil && slices.ContainsFunc(pn.info.Outputs, func(f modules.Field) bool { return f.Name == key })
}

// outputMissing is the error of read r of an output node j did not give,
// at the read's key, naming the outputs it gave and the one meant.
func (c *core) outputMissing(j int, r outputRef, hint string) error {
	outputs := c.nodes[j].outputs
	keys := slices.Sorted(maps.Keys(outputs))
	gave := "it gave no outputs"
	switch {
	case c.nodes[j].fan != nil && len(keys) > 0:
		gave = "its instances gave outputs " + strings.Join(keys, ", ")
	case c.nodes[j].fan != nil:
		gave = "its instances gave no outputs"
	case len(keys) > 0:
		gave = "it gave outputs " + strings.Join(keys, ", ")
	}
	msg := fmt.Sprintf("%s gave no output %s (%s)", r.id, r.key, gave)
	if dym := schema.DidYouMean(r.key, keys); dym != "" {
		msg += "; " + dym
	}
	return &file.Error{Location: file.Location{From: r.off}, Message: msg + "; " + hint}
}

// whenHolds runs the `when` of node or instance i in env: whether it is
// true, or why it failed.
func (c *core) whenHolds(i int, env any) (bool, error) {
	pn := c.pn(i)
	if err := c.outputsGiven(pn.when); err != nil {
		return false, err
	}
	ok, null, err := c.runWhen(pn.when, env)
	if null && err == nil {
		err = c.nullWhen(i)
	}
	return ok, err
}

// evaluate runs e, an expression of `with`, `foreach` or a sub-pipeline's
// outputs, in env.
func (c *core) evaluate(e *compiled, env any) (any, error) {
	if err := c.outputsGiven(e); err != nil {
		return nil, err
	}
	return c.runExpr(e, env)
}

// missingWhenRead is the error of the first output node or instance i's
// `when` reads that its plain node succeeded without giving, nil when
// there is none: what failed a `when` that came out null in runs started
// before ChangeOutputReads (see nullWhen).
func (c *core) missingWhenRead(i int) error {
	pn := c.pn(i)
	for _, r := range pn.when.outputs {
		for _, j := range pn.refs {
			st := &c.nodes[j]
			if c.plan.nodes[j].id != r.id || st.rec.Status != StatusSuccess || st.fan != nil {
				continue
			}
			if _, ok := st.outputs[r.key]; ok {
				break
			}
			return c.outputMissing(j, r, fmt.Sprintf("write nodes.%s.outputs.%s ?? false if its absence means false", r.id, r.key))
		}
	}
	return nil
}
