package engine

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// This file holds a node's promised outputs (`outputs: {name: type}`):
// what validate checks against them, and the check of a run's outputs.

// Promised is one output a node promises, as a task carries it to the
// executor that checks it.
type Promised struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// promised returns n's promises as a task carries them; nil for none.
func promised(n *schema.Node) []Promised {
	if len(n.Outputs) == 0 {
		return nil
	}
	out := make([]Promised, len(n.Outputs))
	for k, p := range n.Outputs {
		out[k] = Promised{Name: p.Name, Type: p.Type}
	}
	return out
}

// checkPromise reports outputs that break promise: a promised output
// missing, or of another type. Outputs not promised are allowed. The error
// carries the outputs, so that the record shows what the node gave.
func checkPromise(promise []Promised, out *modules.Output) error {
	if len(promise) == 0 {
		return nil
	}
	var values map[string]any
	if out != nil {
		values = out.Values
	}
	var broken []string
	missing := false
	for _, p := range promise {
		v, ok := values[p.Name]
		switch {
		case !ok:
			missing = true
			broken = append(broken, fmt.Sprintf("output %s: promised %s, got none", p.Name, article(p.Type)))
		case p.Type == string(modules.Any):
		default:
			if modules.Type(p.Type).Check(v) != nil {
				broken = append(broken, fmt.Sprintf("output %s: promised %s, got %s", p.Name, article(p.Type), modules.Describe(v)))
			}
		}
	}
	if len(broken) == 0 {
		return nil
	}
	msg := "outputs break the node's promise: " + strings.Join(broken, "; ")
	if missing && len(values) > 0 {
		msg += " (it gave: " + strings.Join(slices.Sorted(maps.Keys(values)), ", ") + ")"
	}
	return &modules.Error{Message: msg, Values: values}
}

// checkPromises checks node n's promises against what its module or its
// sub-pipeline declares it gives: a promised name the module does not
// give, or a type other than the one it declares, is reported at the
// promise.
func (c *compiler) checkPromises(i int, n *schema.Node, info *modules.Info) {
	for _, p := range n.Outputs {
		if sub := c.subs[i]; sub != nil && sub.plan != nil {
			c.checkSubOutput(i, outputRef{id: n.ID, key: p.Name}, place{start: p.Pos}, "")
			continue
		}
		f, closed, ok := declaredOutput(info, p.Name)
		switch {
		case !closed:
		case !ok:
			names := outputNames(info)
			hint := schema.DidYouMean(p.Name, names)
			if hint == "" {
				hint = fmt.Sprintf("module %s gives: %s", info.Name, strings.Join(names, ", "))
			}
			c.errorf(p.Pos, hint, "node %s promises output %s, which module %s does not give", n.ID, schema.Quote(p.Name), info.Name)
		case p.Type != string(modules.Any) && f.Type != modules.Any && f.Type != "" && !promiseFits(p.Type, f.Type):
			c.errorf(p.Pos, fmt.Sprintf("promise %s: %s, or any", p.Name, f.Type),
				"node %s promises output %s as %s, but module %s gives %s", n.ID, p.Name, article(p.Type), info.Name, article(string(f.Type)))
		}
	}
}

// promiseFits reports whether a module output of type given keeps a
// promise of type promised: an int is a number too.
func promiseFits(promised string, given modules.Type) bool {
	return promised == string(given) || (promised == string(modules.Number) && given == modules.Int)
}

// declaredOutput finds the output called name among what info declares;
// closed is false when the module's outputs are open (it declares none,
// or "*").
func declaredOutput(info *modules.Info, name string) (f modules.Field, closed, ok bool) {
	if len(info.Outputs) == 0 {
		return f, false, false
	}
	for _, o := range info.Outputs {
		if o.Name == "*" {
			return f, false, false
		}
		if o.Name == name {
			f, ok = o, true
		}
	}
	return f, true, ok
}

func outputNames(info *modules.Info) []string {
	names := make([]string, 0, len(info.Outputs))
	for _, f := range info.Outputs {
		names = append(names, f.Name)
	}
	return names
}

// checkPromisedRead reports a read of an output node j does not promise,
// when j promises outputs and its module's are open: handled is false
// when j promises none, or when its module declares its outputs (then
// the module's declaration is what a read is checked against; a pipeline
// node's reads are checked against its sub-pipeline's before this).
func (c *compiler) checkPromisedRead(j int, o outputRef, pos place, src string) (bad, handled bool) {
	n := c.p.Nodes[j]
	if len(n.Outputs) == 0 {
		return false, false
	}
	if info, ok := c.lookup(n.Module); ok {
		if _, closed, _ := declaredOutput(info, o.key); closed {
			return false, false
		}
	}
	names := make([]string, len(n.Outputs))
	for k, p := range n.Outputs {
		if p.Name == o.key {
			return false, true
		}
		names[k] = p.Name
	}
	hint := schema.DidYouMean(o.key, names)
	if hint == "" {
		hint = fmt.Sprintf("node %s promises: %s; add %s to its outputs if it gives it", o.id, strings.Join(names, ", "), o.key)
	}
	c.errorf(pos.at(src, o.off), hint, "node %s promises no output %s", o.id, schema.Quote(o.key))
	return true, true
}

// article names a promise type with its article: "a list", "an int".
func article(t string) string {
	if t == string(modules.Any) {
		return "a value"
	}
	return modules.Type(t).Article()
}

// checkPromisedInput reports an output read given whole to an input of
// another type than the one the read node promises for it
// (`${{ nodes.a.outputs.n }}` promised a string, into a number input).
func (c *compiler) checkPromisedInput(in schema.Input, info *modules.Info, field modules.Field, o outputRef) {
	j, ok := c.g.Index(o.id)
	if !ok {
		return
	}
	for _, p := range c.p.Nodes[j].Outputs {
		if p.Name != o.key {
			continue
		}
		if !typesMeet(field.Type, p.Type) {
			want := string(field.Type)
			if field.Type == modules.Duration {
				want = "string" // a duration is promised as its text (30s)
			}
			c.errorf(in.Pos, fmt.Sprintf("node %s promises %s as %s; convert it in the expression, or promise %s: %s", o.id, o.key, article(p.Type), o.key, want),
				"input %s of module %s takes %s, but nodes.%s.outputs.%s is promised as %s", in.Key, info.Name, field.Type.Article(), o.id, o.key, article(p.Type))
		}
		return
	}
}

// typesMeet reports whether a value promised as promised may fit an input
// of type input: the same type, a number for a number, a text for a
// duration.
func typesMeet(input modules.Type, promised string) bool {
	p := modules.Type(promised)
	switch {
	case p == input, p == modules.Any, input == modules.Any:
		return true
	case input == modules.Number || input == modules.Int:
		return p == modules.Number || p == modules.Int
	case input == modules.Duration:
		return p == modules.String
	}
	return false
}
