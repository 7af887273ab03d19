package engine

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
)

// This file checks how an expression uses the outputs a node promises a
// type of (`outputs: {n: int}`): expressions see every output as any, so
// the checker of expr cannot; what is surely wrong is reported before the
// run, where it would otherwise fail in it. Only plain misuses are
// caught: a promised value used whole as a `when`, a field read of a
// number, bool or text, and a comparison or arithmetic with a literal of
// another kind.

// promisedType returns the type node id promises for output key, "" when
// it promises none (or any).
func (c *compiler) promisedType(id, key string) string {
	j, ok := c.g.Index(id)
	if !ok || j >= len(c.p.Nodes) {
		return ""
	}
	for _, p := range c.p.Nodes[j].Outputs {
		if p.Name == key && p.Type != "any" {
			return p.Type
		}
	}
	return ""
}

// promiseUse is a visitor that reports misuses of promised outputs.
type promiseUse struct {
	c   *compiler
	bad []exprError
}

func (v *promiseUse) typeOf(n ast.Node) (what, typ string) {
	id, key, _, _ := outputRead(n)
	if id == "" {
		return "", ""
	}
	if t := v.c.promisedType(id, key); t != "" {
		return "nodes." + id + ".outputs." + key, t
	}
	return "", ""
}

func (v *promiseUse) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			v.wantBool(n.Node, n.Operator)
		}
	case *ast.ConditionalNode:
		v.wantBool(n.Cond, "a condition (? :)")
	case *ast.MemberNode:
		what, t := v.typeOf(n.Node)
		if _, isName := n.Property.(*ast.StringNode); isName && (t == "int" || t == "number" || t == "bool" || t == "string") {
			v.bad = append(v.bad, exprError{off: n.Property.Location().From,
				msg:  fmt.Sprintf("%s is promised as %s: it has no fields", what, article(t)),
				hint: "read the value itself, or promise it as a map"})
		}
	case *ast.BinaryNode:
		if n.Operator == "&&" || n.Operator == "||" || n.Operator == "and" || n.Operator == "or" {
			v.wantBool(n.Left, n.Operator)
			v.wantBool(n.Right, n.Operator)
			return
		}
		for _, side := range [2][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
			what, t := v.typeOf(side[0])
			if t == "" {
				continue
			}
			if other := literalKind(side[1]); other != "" && !kindsMeet(n.Operator, t, other) {
				v.bad = append(v.bad, exprError{off: n.Location().From,
					msg:  fmt.Sprintf("%s is promised as %s: %s with %s cannot work", what, article(t), n.Operator, article(other)),
					hint: "compare it with a value of its own type, or convert it (int(), string())"})
			}
		}
	}
}

// wantBool reports operand n of op, which takes true or false, when it is
// a promised output of another type.
func (v *promiseUse) wantBool(n ast.Node, op string) {
	if what, t := v.typeOf(n); t != "" && t != "bool" {
		_, _, off, _ := outputRead(n)
		v.bad = append(v.bad, exprError{off: off,
			msg:  fmt.Sprintf("%s is promised as %s, and %s takes true or false", what, article(t), op),
			hint: "test it: " + boolTest(what, t)})
	}
}

// boolTest is a test of a value promised as t that gives a bool.
func boolTest(what, t string) string {
	switch t {
	case "string":
		return what + ` != ""`
	case "list", "map":
		return "len(" + what + ") > 0"
	}
	return what + " > 0"
}

// literalKind is the promise type of a literal, "" for anything else.
func literalKind(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode:
		return "string"
	case *ast.IntegerNode:
		return "int"
	case *ast.FloatNode:
		return "number"
	case *ast.BoolNode:
		return "bool"
	}
	return ""
}

// kindsMeet reports whether op may take a value promised as t and a
// literal of kind lit.
func kindsMeet(op, t, lit string) bool {
	number := func(k string) bool { return k == "int" || k == "number" }
	switch op {
	case "<", ">", "<=", ">=":
		return number(t) && number(lit) || t == "string" && lit == "string"
	case "-", "*", "/", "%", "**", "^":
		return number(t) && number(lit)
	case "+":
		return number(t) && number(lit) || t == "string" && lit == "string" || t == "list"
	}
	return true // == and != take any two values; the rest are left to expr
}

// checkPromisedUse reports the misuses of promised outputs in comp, and
// a `when` (asBool) that is a promised output of another type than bool.
func (c *compiler) checkPromisedUse(comp *compiled, asBool bool) []exprError {
	if len(comp.outputs) == 0 {
		return nil
	}
	root := comp.prog.Node()
	if root == nil {
		return nil
	}
	v := &promiseUse{c: c}
	ast.Walk(&root, v)
	if what, t := v.typeOf(root); asBool && t != "" && t != "bool" {
		_, _, off, _ := outputRead(root)
		v.bad = append(v.bad, exprError{off: off,
			msg:  fmt.Sprintf("when must be true or false, and %s is promised as %s", what, article(t)),
			hint: "test it: " + boolTest(what, t)})
	}
	return v.bad
}
