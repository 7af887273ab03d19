package engine

import (
	"strings"

	"github.com/expr-lang/expr/ast"
)

// letBound returns the identifiers of tree that read a variable of
// `let NAME = value; body`: those named NAME inside its body. They are
// the expression's own names, not the environment's, so the check of
// unknown names passes them. The value is outside the variable's scope
// (`let y = y; ...` reads an outer y), as in expr's checker, which also
// refuses a let that redeclares an environment name (config, nodes...), a
// function or an enclosing variable: no scope can shadow another.
//
// The other names expr binds are not identifiers: a closure's #, #index
// and #acc are pointer nodes, and .field inside a closure a member of #.
//
// src without "let" has no declaration: nil, and no walk.
func letBound(src string, tree ast.Node) map[*ast.IdentifierNode]bool {
	if !strings.Contains(src, "let") {
		return nil
	}
	var bound map[*ast.IdentifierNode]bool
	ast.Find(tree, func(n ast.Node) bool {
		decl, ok := n.(*ast.VariableDeclaratorNode)
		if !ok {
			return false
		}
		ast.Find(decl.Expr, func(n ast.Node) bool {
			if id, ok := n.(*ast.IdentifierNode); ok && id.Value == decl.Name {
				if bound == nil {
					bound = map[*ast.IdentifierNode]bool{}
				}
				bound[id] = true
			}
			return false
		})
		return false
	})
	return bound
}
