package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// inputs resolves node i's `with`: `${{ }}` evaluated, declared types
// checked, defaults filled in.
func (c *core) inputs(i int, env any) (map[string]any, error) {
	pn := c.pn(i)
	// A node with no inputs and no defaults gets none: most nodes of a
	// big pipeline, where an empty map per node is the core's largest
	// allocation.
	var with map[string]any
	given := 0 // pn.With's length, read only when there are inputs (see planNode)
	if pn.hasWith {
		given = len(pn.With)
	}
	if given > 0 || hasDefaults(pn.info) {
		with = make(map[string]any, given+len(pn.info.Inputs))
	}
	for k := range given {
		in := &pn.With[k]
		v := in.Value
		if len(in.Templates) > 0 {
			f, declared := pn.info.Input(in.Key)
			var err error
			if v, err = c.resolve(pn, v, env, declared && f.Shell); err != nil {
				return nil, c.inputFailed(in, err)
			}
			if declared {
				if err := f.CheckValue(v); err != nil {
					return nil, c.inputFailed(in, err)
				}
				// The module's rule, which validate applied to literals.
				if f.Rule != nil {
					if err := f.Rule(v); err != nil {
						return nil, c.inputFailed(in, oneLine(err))
					}
				}
			}
			if pn.sub != nil && in.Key == "set" {
				// What validate checks of literal values, for those known now.
				if _, err := subConfig(pn.sub, v, true); err != nil {
					return nil, c.inputFailed(in, err)
				}
			}
		}
		if err := c.nanInput(pn, in.Key, v); err != nil {
			return nil, c.inputFailed(in, err)
		}
		with[in.Key] = v
	}
	for _, f := range pn.info.Inputs {
		if _, given := with[f.Name]; !given && f.Default != nil {
			with[f.Name] = f.Default
		}
	}
	return with, nil
}

func hasDefaults(info *modules.Info) bool {
	for _, f := range info.Inputs {
		if f.Default != nil {
			return true
		}
	}
	return false
}

// resolve evaluates the templates inside v, copying only what changes.
// shell is set for an input that is a shell script when v is a string:
// its values are quoted for sh (see shellCtx).
func (c *core) resolve(pn *planNode, v any, env any, shell bool) (any, error) {
	switch x := v.(type) {
	case string:
		tpls := pn.templates
		if shell {
			tpls = pn.scripts
		}
		t, ok := tpls[x]
		if !ok {
			return x, nil
		}
		if t.whole {
			out, err := c.evaluate(t.parts[0].expr, env)
			if err != nil {
				return nil, c.exprFailed(t.parts[0].at(), "${{ "+strings.TrimSpace(t.parts[0].expr.src)+" }}", t.parts[0].expr.src, env, err)
			}
			if s, isStr := out.(string); isStr && t.parts[0].quote != shellNone {
				// A string handed over whole is one word too; a list stays
				// a list (an argv, no shell).
				out = string(appendShell(nil, t.parts[0].quote, s))
			}
			return out, err
		}
		var b []byte
		for _, part := range t.parts {
			if part.expr == nil {
				b = append(b, part.literal...)
				continue
			}
			out, err := c.evaluate(part.expr, env)
			if err != nil {
				return nil, c.exprFailed(part.at(), "${{ "+strings.TrimSpace(part.expr.src)+" }}", part.expr.src, env, err)
			}
			b = appendShell(b, part.quote, out)
		}
		return string(b), nil
	case []any:
		out := make([]any, len(x))
		for k, item := range x {
			var err error
			if out[k], err = c.resolve(pn, item, env, false); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			var err error
			if out[k], err = c.resolve(pn, item, env, false); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

// reflectMessage says what expr's builtins (sum, mean, len) meant when they
// failed inside reflect, given a value of the wrong kind: "reflect: call
// of reflect.Value.Len on zero Value" is null, "... on map Value" a map.
func reflectMessage(msg string) string {
	at := strings.Index(msg, "reflect: call of reflect.Value.")
	if at < 0 {
		return msg
	}
	kind, _, _ := strings.Cut(msg[at:], " Value")
	kind = kind[strings.LastIndexByte(kind, ' ')+1:]
	if kind == "zero" {
		return "a function was given null, not a list (an output the node did not give reads as null: check its name)"
	}
	return "a function was given " + kindWord(kind) + ", not a list"
}

// kindWord is what users call the reflect.Kind named kind.
func kindWord(kind string) string {
	switch kind {
	case "slice", "array":
		return "a list"
	case "map":
		return "a map"
	case "struct":
		return "a value"
	}
	return typeWord(kind)
}

// inputFailed places the run-time error err of input in: at the
// expression that failed, else at the input.
func (c *core) inputFailed(in *schema.Input, err error) error {
	var placed *exprRunError
	if !errors.As(err, &placed) {
		placed = &exprRunError{where: c.where(in.Pos), what: err.Error(), err: err}
	}
	where := placed.where
	if t := placed.tpl; t != nil && !ownTemplate(in, t) {
		// Nodes keep one compiled template per text: the same text in two
		// inputs is placed in this one.
		for k := range in.Templates {
			if in.Templates[k].Text == t.Text {
				where = c.where(in.Templates[k].PosAt(placed.off))
				break
			}
		}
	}
	return &exprRunError{where: where, what: "input " + in.Key + ": " + placed.what, err: placed.err}
}

// where is "file:line:col: " for pos in the plan's file; "" for a plan
// built in code.
func (c *core) where(pos schema.Pos) string {
	if s := c.plan.Pipeline.Source; s != nil && pos.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: ", s.Name, pos.Line, pos.Col)
	}
	return ""
}

// ownTemplate reports whether t is one of in's templates.
func ownTemplate(in *schema.Input, t *schema.Template) bool {
	for k := range in.Templates {
		if &in.Templates[k] == t {
			return true
		}
	}
	return false
}

// exprRunError is an expression's or an input's failure at run time,
// placed in the file.
type exprRunError struct {
	where, what string
	err         error
	// tpl and off place it in a template's text, when it is one's.
	tpl *schema.Template
	off int
}

func (e *exprRunError) Error() string { return e.where + e.what }
func (e *exprRunError) Unwrap() error { return e.err }

// runExpr runs the compiled expression e in env (see evalExpr), its
// value made plain (plainViews).
func (c *core) runExpr(e *compiled, env any) (any, error) {
	out, err := c.evalExpr(e.prog, env)
	if err != nil {
		return nil, err
	}
	return plainViews(out, c), nil
}

// runWhen runs the `when` e: null is false, as it is for expr (null is
// set then); a value that is neither is an error that says what it is.
func (c *core) runWhen(e *compiled, env any) (ok, null bool, err error) {
	out, err := c.evalExpr(e.prog, env)
	if err != nil {
		return false, false, err
	}
	switch v := out.(type) {
	case bool:
		return v, false, nil
	case nil:
		return false, true, nil
	}
	return false, false, fmt.Errorf("must be true or false, not %s", valueWord(out))
}

// valueWord says what v is, and for a string or a number what it holds:
// a string ("yes"), a number (3), a list of 2.
func valueWord(v any) string {
	switch x := v.(type) {
	case string:
		return "a string (" + schema.Quote(x) + ")"
	case int, int64, float64:
		return fmt.Sprintf("a number (%v)", x)
	case []any:
		return fmt.Sprintf("a list (of %d)", len(x))
	case map[string]any:
		return fmt.Sprintf("a map (of %d)", len(x))
	}
	return typeWord(fmt.Sprintf("%T", v))
}

// normalize makes a module's outputs plain JSON values, so that expressions
// and the run record see the same thing whatever Go types the module used.
// Outputs that are not JSON (a channel, a func) fail the attempt, as on
// a Temporal worker: they were the output `error`, and the node a success.
func normalize(out *modules.Output) (*modules.Output, error) {
	if out == nil || isPlainMap(out.Values) {
		return out, nil
	}
	// Through Python's JSON dialect, so that a NaN in a Go module's slice
	// or struct comes back a number, as it would from a plain map.
	b, err := modules.MarshalPythonJSON(out.Values)
	if err != nil {
		return nil, fmt.Errorf("outputs are not JSON: %w", err)
	}
	v, _ := modules.DecodeJSON(b)
	values, _ := v.(map[string]any)
	return &modules.Output{Message: out.Message, Values: values}, nil
}

// emptyDeclared gives an output the module declares a list or a map, and
// left nil, its empty value: a Go module's nil slice means none, and the
// next node's input, typed as the output is, wants an empty list there,
// not null. An output left out stays out.
func emptyDeclared(info *modules.Info, out *modules.Output) *modules.Output {
	if out == nil || info == nil {
		return out
	}
	for _, f := range info.Outputs {
		v, ok := out.Values[f.Name]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case nil:
			switch f.Type {
			case modules.List:
				out.Values[f.Name] = []any{}
			case modules.Map:
				out.Values[f.Name] = map[string]any{}
			}
		case []any:
			if x == nil && f.Type == modules.List {
				out.Values[f.Name] = []any{}
			}
		case map[string]any:
			if x == nil && f.Type == modules.Map {
				out.Values[f.Name] = map[string]any{}
			}
		}
	}
	return out
}

// jsonSafe returns outputs as the run record holds them: non-finite numbers
// as their text (see modules.JSONSafe).
func jsonSafe(outputs map[string]any) map[string]any {
	if outputs == nil {
		return nil
	}
	return modules.JSONSafe(outputs).(map[string]any)
}

func isPlainMap(m map[string]any) bool {
	for _, v := range m {
		if !isPlain(v) {
			return false
		}
	}
	return true
}

func isPlain(v any) bool {
	switch x := v.(type) {
	case nil, string, bool, int, float64:
		return true
	case []any:
		for _, item := range x {
			if !isPlain(item) {
				return false
			}
		}
		return true
	case map[string]any:
		return isPlainMap(x)
	}
	return false
}

// ID implements modules.RunInfo.
func (c *core) ID() string { return c.rec.ID }

// Pipeline implements modules.RunInfo.
func (c *core) Pipeline() string { return c.plan.Pipeline.Name }

// Snapshot implements modules.RunInfo.
func (c *core) Snapshot() ([]byte, error) { return json.Marshal(c.snapshot()) }
