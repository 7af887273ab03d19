package engine

import (
	"fmt"
	"slices"

	"github.com/expr-lang/expr/ast"

	"github.com/pipe-run/pipe/schema"
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
		name, isName := n.Property.(*ast.StringNode)
		_, isNumber := n.Property.(*ast.IntegerNode)
		switch {
		case isName && (t == "int" || t == "number" || t == "bool" || t == "string"):
			v.bad = append(v.bad, exprError{off: n.Property.Location().From,
				msg:  fmt.Sprintf("%s is promised as %s: it has no fields", what, article(t)),
				hint: "read the value itself, or promise it as a map"})
		case isName && t == "list":
			v.bad = append(v.bad, exprError{off: n.Property.Location().From,
				msg:  fmt.Sprintf("%s is promised as a list: it has no field %s", what, schema.Quote(name.Value)),
				hint: fmt.Sprintf("a list is read by position (%s[0]), or promise it as a map", what)})
		case isNumber && t == "map":
			v.bad = append(v.bad, exprError{off: n.Property.Location().From,
				msg:  fmt.Sprintf("%s is promised as a map: it is indexed by a key (a string), not a number", what),
				hint: fmt.Sprintf(`read a key (%s["key"]), or promise it as a list`, what)})
		case isNumber && (t == "int" || t == "number" || t == "bool"):
			v.bad = append(v.bad, exprError{off: n.Property.Location().From,
				msg:  fmt.Sprintf("%s is promised as %s: it cannot be indexed", what, article(t)),
				hint: "read the value itself, or promise it as a list"})
		}
	case *ast.BuiltinNode:
		v.collection(n)
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

// listBuiltins are expr's builtins whose first argument is a list.
var listBuiltins = []string{"all", "none", "any", "one", "filter", "map", "count", "sum", "find", "findIndex", "findLast", "findLastIndex",
	"groupBy", "sortBy", "reduce", "mean", "median", "first", "last", "flatten", "uniq", "reverse", "sort", "concat", "join"}

// collection reports a builtin given a promised output it cannot take:
// len of a number, sum of a string.
func (v *promiseUse) collection(n *ast.BuiltinNode) {
	if len(n.Arguments) == 0 {
		return
	}
	what, t := v.typeOf(n.Arguments[0])
	scalar := t == "int" || t == "number" || t == "bool"
	switch {
	case n.Name == "len" && scalar:
		_, _, off, _ := outputRead(n.Arguments[0])
		v.bad = append(v.bad, exprError{off: off,
			msg:  fmt.Sprintf("len takes a list, a map or a string, and %s is promised as %s", what, article(t)),
			hint: "read the value itself, or promise it as a list"})
	case slices.Contains(listBuiltins, n.Name) && (scalar || t == "string"):
		_, _, off, _ := outputRead(n.Arguments[0])
		v.bad = append(v.bad, exprError{off: off,
			msg:  fmt.Sprintf("%s takes a list, and %s is promised as %s", n.Name, what, article(t)),
			hint: "promise it as a list"})
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
