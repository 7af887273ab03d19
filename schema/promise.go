package schema

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Promise is one output a node promises in its `outputs:`: a name and the
// type of its value. Validate checks reads of the node's outputs against
// its promises; the run fails the node when its outputs break one.
type Promise struct {
	Name string
	// Type is one of PromiseTypes.
	Type string
	Pos  Pos
}

// PromiseTypes are the type names a node's `outputs:` may use; "any"
// promises only that the output is there. They are a subset of the
// module input types (modules.Type), which a test in engine keeps true.
var PromiseTypes = []string{"string", "int", "number", "bool", "list", "map", "any"}

// promiseSynonyms are other languages' names for the promise types: the
// hint names pipe's.
var promiseSynonyms = map[string]string{
	"str": "string", "text": "string", "integer": "int", "float": "number", "double": "number",
	"boolean": "bool", "array": "list", "sequence": "list", "object": "map", "dict": "map", "mapping": "map",
}

const promiseHint = "write outputs: {name: type} (types: string, int, number, bool, list, map, any) or outputs: [name, ...]"

// promises reads a node's `outputs:`: a mapping of output name to type,
// or a list of names, each promised as any.
func (l *loader) promises(v *yaml.Node, node string) []Promise {
	var out []Promise
	add := func(k *yaml.Node, typ string) {
		if !IsIdentifier(k.Value) {
			l.errorf(posOf(k), "use letters, digits and _ (it is read as nodes.<id>.outputs.<name>)", "output name %s is not an identifier", Quote(k.Value))
			return
		}
		out = append(out, Promise{Name: k.Value, Type: typ, Pos: posOf(k)})
	}
	switch v.Kind {
	case yaml.MappingNode:
		for _, kv := range l.pairs(v, "output") {
			// An unknown type is reported; the name is still promised,
			// so that reads of it report nothing more.
			add(kv.key, l.promiseType(kv.value))
		}
	case yaml.SequenceNode:
		seen := map[string]bool{}
		for _, item := range v.Content {
			if item = l.resolve(item); item == nil {
				return out
			}
			if item.Kind != yaml.ScalarNode || item.ShortTag() != "!!str" {
				l.errorf(posOf(item), promiseHint, "outputs entries must be output names, not %s", kindName(item))
				continue
			}
			if seen[item.Value] {
				l.errorf(posOf(item), "list each output once", "output %s is listed twice", Quote(item.Value))
				continue
			}
			seen[item.Value] = true
			add(item, "any")
		}
	default:
		l.errorf(posOf(v), promiseHint, "outputs must be a mapping of name to type or a list of names, not %s", kindName(v))
		return nil
	}
	if len(out) == 0 && len(v.Content) == 0 {
		l.errorf(posOf(v), "list the outputs the node promises, or remove outputs", "node %s: outputs is empty", node)
	}
	return out
}

// promiseType reads one promised type: a name of PromiseTypes; null (a
// name with nothing after the colon) promises any, and so does a wrong
// type once reported.
func (l *loader) promiseType(v *yaml.Node) string {
	if isNull(v) {
		return "any"
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		l.errorf(posOf(v), promiseHint, "an output's type must be a type name, not %s", kindName(v))
		return "any"
	}
	for _, t := range PromiseTypes {
		if v.Value == t {
			return t
		}
	}
	hint := DidYouMean(v.Value, PromiseTypes)
	if s, ok := promiseSynonyms[strings.ToLower(v.Value)]; ok {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	if hint == "" {
		hint = "the types are " + strings.Join(PromiseTypes, ", ")
	}
	if strings.Contains(v.Value, "${{") {
		hint = "a node's outputs: promises name: type; the pipeline's own outputs: (at the top level) take ${{ }}"
	}
	l.errorf(posOf(v), hint, "unknown output type %s", Quote(v.Value))
	return "any"
}
