package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/pipe-run/pipe/schema"
)

// What the checks of an expression say when it does not compile: expr's
// errors worded for users, and config.KEY and nodes.<id>.field checked
// before expr does.

// checkError is expr's compile error err of src (its checker's: src
// parses), worded for users (see exprMessage).
func (e *exprEnv) checkError(err error, src string, asBool bool) exprError {
	x := fromExprErr(err, exprHint(err, asBool))
	if got, ok := strings.CutPrefix(x.msg, "expected bool, but got "); ok && asBool {
		// A when that is surely not a bool: say what it is.
		if what := typeWord(got); !isNamespace(what) {
			test := strings.TrimSpace(src)
			if !isPath(test) {
				test = "(" + test + ")"
			}
			hint := "test it: " + boolTest(test, bare(what))
			if yes := e.yesNoHint(test); yes != "" {
				hint = yes
			} else if what == "a function" {
				hint = "call it: " + strings.TrimSpace(src) + "()"
			}
			return exprError{off: x.off, msg: fmt.Sprintf("when must be true or false, and %s is %s", schema.OneLine(strings.TrimSpace(src)), what), hint: hint}
		}
	}
	msg, hint := exprMessage(x.msg, src, x.off, e.cfgKeys)
	if not, ok := strings.CutPrefix(strings.TrimSpace(src), "!"); ok && hint == "" {
		hint = e.yesNoHint(strings.TrimSpace(not))
	}
	if hint == "" {
		hint = x.hint
	}
	return exprError{off: x.off, msg: msg, hint: hint}
}

// exprHint says what to do about expr's compile error err, when there is
// something to say.
func exprHint(err error, asBool bool) string {
	switch {
	case asBool && strings.Contains(err.Error(), "expected bool"):
		return "a `when` must be true or false: compare the value, e.g. config.N > 0"
	case strings.Contains(err.Error(), "exceeds maximum allowed nodes"):
		return fmt.Sprintf("an expression may have up to %d parts (names, operators, values): compute the value in a node, or keep a list in config and test it with any() or all()", exprMaxNodes)
	}
	return ""
}

// rawFunc is raw(x): x unchanged. It only means something as the whole of
// a `${{ }}` in a shell script (an input marked modules.Field.Shell), where
// it splices x as shell text instead of quoting it as one word.
const rawFunc = "raw"

var rawOption = expr.Function(rawFunc, func(params ...any) (any, error) { return params[0], nil }, new(func(any) any))

// isBuiltinLike reports names the parser leaves as identifiers but expr
// itself defines (predicate variables such as `#` are separate nodes), and
// pipe's own functions.
func isBuiltinLike(name string) bool {
	switch name {
	case "nil", "true", "false", "$env", rawFunc:
		return true
	}
	return false
}

// checkMember checks config.KEY and nodes.<id>.field before expr does, to
// word the errors for users and to collect node references.
func (e *exprEnv) checkMember(n *ast.MemberNode, c *compiled) []exprError {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok {
		if id, isID := n.Node.(*ast.IdentifierNode); isID && (id.Value == "nodes" || id.Value == "config") {
			loc := n.Location()
			return []exprError{{off: loc.From, msg: fmt.Sprintf("%s must be indexed with a literal name", id.Value), hint: fmt.Sprintf("write %s.NAME", id.Value)}}
		}
		return nil
	}
	loc := prop.Location()
	switch base := n.Node.(type) {
	case *ast.IdentifierNode:
		switch base.Value {
		case "config":
			if _, known := e.cfgIndex[prop.Value]; !known {
				hint := schema.DidYouMean(prop.Value, e.cfgKeys)
				if hint == "" {
					hint = "declare it under `config:` with its default"
				}
				return []exprError{{off: loc.From, msg: fmt.Sprintf("unknown config key %s", schema.Quote(prop.Value)), hint: hint}}
			}
			if !slices.Contains(c.configKeys, prop.Value) {
				c.configKeys = append(c.configKeys, prop.Value)
			}
		case "nodes":
			c.refs = append(c.refs, refAt{id: prop.Value, off: loc.From})
		}
	case *ast.MemberNode:
		if id, isID := base.Node.(*ast.IdentifierNode); isID && id.Value == "nodes" {
			if !slices.Contains(nodeViewFields, prop.Value) {
				hint := schema.DidYouMean(prop.Value, nodeViewFields)
				if hint == "" {
					hint = "a node has status, message and outputs"
				}
				return []exprError{{off: loc.From, msg: fmt.Sprintf("a node has no field %s", schema.Quote(prop.Value)), hint: hint}}
			}
			if read, isStr := base.Property.(*ast.StringNode); isStr && prop.Value == "items" && e.fanout[read.Value] == fanNone {
				return []exprError{{off: loc.From, msg: fmt.Sprintf("node %s has no items: it does not fan out", read.Value),
					hint: fmt.Sprintf("nodes.%s.items lists the instances of a foreach node; read nodes.%s.status", read.Value, read.Value)}}
			}
		}
	}
	if id, key, off := e.fanInAt(n.Node); id != "" && e.fanout[id] == fanList {
		return []exprError{{off: off, msg: fmt.Sprintf("nodes.%s.outputs.%s is a list, one value per instance of %s: it has no field %s", id, key, id, schema.Quote(prop.Value)),
			hint: fmt.Sprintf("index it (nodes.%s.outputs.%s[0]), or fan out over a map to read values by key", id, key)}}
	}
	return nil
}

func fromExprErr(err error, hint string) exprError {
	var fe *file.Error
	if errors.As(err, &fe) {
		return exprError{off: fe.From, msg: fe.Message, hint: hint}
	}
	return exprError{msg: err.Error(), hint: hint}
}
