package engine

import (
	"fmt"
	"slices"

	"github.com/expr-lang/expr/ast"
)

// fanKind says how a node fans out, for the checks of what reads it.
type fanKind uint8

const (
	fanNone    fanKind = iota
	fanList            // a literal list: outputs are lists
	fanMap             // a literal map: outputs are maps by key
	fanDynamic         // an expression: a list or a map, known at run time
)

// fanInRead reports whether n is nodes.<id>.outputs.<key> of a foreach
// node: then it is a list (or a map by key), never one instance's value.
func (e *exprEnv) fanInRead(n ast.Node) (id, key string) {
	id, key, _ = e.fanInAt(n)
	return id, key
}

// fanInAt is fanInRead, with the rune offset where the read starts.
func (e *exprEnv) fanInAt(n ast.Node) (id, key string, off int) {
	id, key, off, _ = outputRead(n)
	if id == "" || e.fanout[id] == fanNone {
		return "", "", 0
	}
	return id, key, off
}

// outputRead reports whether n is nodes.<id>.outputs.<key>, with the rune
// offsets of the read's start and of its key.
func outputRead(n ast.Node) (id, key string, off, keyOff int) {
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return "", "", 0, 0
	}
	k, ok := m.Property.(*ast.StringNode)
	if !ok {
		return "", "", 0, 0
	}
	outs, ok := m.Node.(*ast.MemberNode)
	if !ok {
		return "", "", 0, 0
	}
	if p, isStr := outs.Property.(*ast.StringNode); !isStr || p.Value != "outputs" {
		return "", "", 0, 0
	}
	node, ok := outs.Node.(*ast.MemberNode)
	if !ok {
		return "", "", 0, 0
	}
	nodes, ok := node.Node.(*ast.IdentifierNode)
	if !ok || nodes.Value != "nodes" {
		return "", "", 0, 0
	}
	name, ok := node.Property.(*ast.StringNode)
	if !ok {
		return "", "", 0, 0
	}
	return name.Value, k.Value, nodes.Location().From, k.Location().From
}

// scalarOps are the operators that want one number or text, not a list.
var scalarOps = []string{"+", "-", "*", "/", "%", "**", "^", "<", ">", "<=", ">=", "..", "contains", "startsWith", "endsWith", "matches"}

// checkFanInOperand reports a fan-in list used where one value is meant
// (nodes.fit.outputs.roi > 0.1 compares a list).
func (e *exprEnv) checkFanInOperand(b *ast.BinaryNode) []exprError {
	if !slices.Contains(scalarOps, b.Operator) {
		return nil
	}
	var errs []exprError
	for _, side := range []ast.Node{b.Left, b.Right} {
		if id, key, off := e.fanInAt(side); id != "" {
			errs = append(errs, exprError{off: off,
				msg:  fmt.Sprintf("nodes.%s.outputs.%s is a list, one value per instance of %s: %s needs one value", id, key, id, b.Operator),
				hint: fmt.Sprintf("take one (nodes.%s.outputs.%s[0]) or combine them (max(nodes.%s.outputs.%s), all(nodes.%s.outputs.%s, # > 0))", id, key, id, key, id, key)})
		}
	}
	return errs
}

// narrowRead returns <id> when n is nodes.<id>.status, .message or
// .outputs: a read that cannot see the node's items.
func narrowRead(n *ast.MemberNode) string {
	field, ok := n.Property.(*ast.StringNode)
	if !ok || (field.Value != "status" && field.Value != "message" && field.Value != "outputs") {
		return ""
	}
	node, ok := n.Node.(*ast.MemberNode)
	if !ok {
		return ""
	}
	if nodes, ok := node.Node.(*ast.IdentifierNode); !ok || nodes.Value != "nodes" {
		return ""
	}
	name, ok := node.Property.(*ast.StringNode)
	if !ok {
		return ""
	}
	return name.Value
}
