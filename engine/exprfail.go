package engine

import (
	"errors"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/pipe-run/pipe/schema"
)

// This file places and words the run-time errors of expressions. Among
// them, the failure of a builtin that reads a value given as text
// (int('zz'), fromJSON(x)): expr names no value ("int(zz)" at best, a Go
// type when it is not a string, nothing for fromJSON), and users want the
// value and, for a config key, where it was set.

// exprFailed places the run-time error err of expression src, at at in
// the plan's file: "file:line:col: what: message", at the part of src that
// failed when expr says which. what names the expression (${{ src }}, or
// when: src); env is what it ran in. A plan built in code has no file.
func (c *core) exprFailed(at place, what, src string, env any, err error) error {
	var placed *exprRunError
	if errors.As(err, &placed) {
		return err // placed already
	}
	off, msg := c.exprMessage(src, env, err)
	e := &exprRunError{where: c.where(at.at(src, off)), what: what + ": " + msg, err: err}
	if at.tpl != nil {
		e.tpl, e.off = at.tpl, at.boff+runeByte(src, off)
	}
	return e
}

// exprMessage is the run-time error err of expression src, run in env,
// worded for users (see exprMessage), and the rune offset in src where
// it failed.
func (c *core) exprMessage(src string, env any, err error) (int, string) {
	off, msg := 0, err.Error()
	var fe *file.Error
	if errors.As(err, &fe) {
		off, msg = fe.From, fe.Message
		if m, ok := c.conversionMessage(src, off, msg, env); ok {
			return off, m
		}
	}
	var keys []string
	if c.plan.env != nil {
		keys = c.plan.env.cfgKeys
	}
	msg, _ = exprMessage(msg, src, off, keys)
	return off, msg
}

// exprText is exprMessage without the offset.
func (c *core) exprText(src string, env any, err error) string {
	_, msg := c.exprMessage(src, env, err)
	return msg
}

// conversionWords are the builtins that read text, and what the message
// of one that cannot says: int and float keep the wording of a value of
// the wrong type (exprShape); the others say they cannot read it, and
// why, in Go's words.
var conversionWords = map[string]string{
	"int":   "cannot make a whole number of ",
	"float": "cannot make a number of ",

	"fromJSON": "", "fromBase64": "", "duration": "", "date": "", "timezone": "",
}

// conversionMessage words msg, the error of the builtin called at rune
// off of src, when it is one of conversionWords and its first argument,
// evaluated again in env, is a string: the value quoted (clipped, its
// secrets masked) and where it came from. false when it is not.
func (c *core) conversionMessage(src string, off int, msg string, env any) (string, bool) {
	if env == nil || c.plan.env == nil {
		return "", false
	}
	call := conversionAt(src, off)
	if call == nil {
		return "", false
	}
	arg := call.Arguments[0]
	comp, errs := c.plan.env.compileNew(arg.String(), false)
	if len(errs) > 0 || comp == nil || comp.clock { // now() would differ on a Temporal replay
		return "", false
	}
	v, err := c.evalExpr(comp.prog, env)
	s, isText := v.(string)
	if err != nil || !isText {
		return "", false // a value of another type: its type says it (exprShape)
	}
	shown := schema.Quote(c.redact.String(s))
	if from := c.argOrigin(arg); from != "" {
		shown += " (" + from + ")"
	}
	if words := conversionWords[call.Name]; words != "" {
		return words + shown, true
	}
	why := c.redact.String(msg)
	if len(s) > schema.MaxQuoted { // Go's message holds the value whole: clip it there too
		masked := c.redact.String(s)
		why = strings.ReplaceAll(why, strconv.Quote(masked), schema.Quote(masked))
		why = strings.ReplaceAll(why, masked, schema.Quote(masked))
	}
	return call.Name + " cannot read " + shown + ": " + why, true
}

// conversionAt is the call of one of conversionWords that starts at rune
// off of src, nil when there is none.
func conversionAt(src string, off int) *ast.BuiltinNode {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var found *ast.BuiltinNode
	ast.Find(tree.Node, func(n ast.Node) bool {
		b, ok := n.(*ast.BuiltinNode)
		if ok && found == nil && b.Location().From == off && len(b.Arguments) > 0 {
			if _, conv := conversionWords[b.Name]; conv {
				found = b
			}
		}
		return false
	})
	return found
}

// argOrigin says where the value of arg came from, when it reads one:
// a config key and what set it (config.X, from --set), or what it reads
// (nodes.fetch.outputs.n); "" for a literal or a computed value.
func (c *core) argOrigin(arg ast.Node) string {
	if m, ok := arg.(*ast.MemberNode); ok {
		base, isID := m.Node.(*ast.IdentifierNode)
		key, isKey := m.Property.(*ast.StringNode)
		if isID && isKey && base.Value == "config" {
			switch from := c.opts.ConfigFrom[key.Value]; from {
			case "", "default":
				return "config." + key.Value + ", its default"
			case "environment":
				return "config." + key.Value + ", from the environment"
			default: // --set, or the .env file that set it
				return "config." + key.Value + ", from " + from
			}
		}
	}
	if text := arg.String(); isPath(text) {
		return text
	}
	return ""
}
