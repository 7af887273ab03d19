package engine

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// This file words expr's compile and run-time errors for users: expr
// names Go types (engine.PipelineView, map[string]interface {}, the
// struct config compiles to) and reflect's functions; users know config,
// pipeline, run, nodes, and values that are lists, maps, strings, numbers,
// bools and null.

// exprMessage words expr's error msg, raised at rune off of src, for
// users; hint is what to do about it, when there is something to say.
// keys are the config keys, for the hint of a misuse of config.
func exprMessage(msg, src string, off int, keys []string) (string, string) {
	msg = strings.TrimSpace(msg)
	if m, h, ok := exprShape(msg, src, off, keys); ok {
		return m, h
	}
	return userTypes(msg), ""
}

// Names of what expressions read that are not values.
const (
	kindConfig   = "config"
	kindPipeline = "pipeline"
	kindRun      = "run"
	kindNodes    = "nodes"
	kindNode     = "a node"
	kindItem     = "an instance"
)

// isNamespace reports whether word names what expressions read fields
// of, not a value.
func isNamespace(word string) bool {
	switch word {
	case kindConfig, kindPipeline, kindRun, kindNodes, kindNode, kindItem:
		return true
	}
	return false
}

// namespaceMessage says that word, which is not a value, was used as
// one, and how to read a value of it.
func namespaceMessage(word string, keys []string) (string, string) {
	switch word {
	case kindConfig:
		hint := "write config.KEY"
		if len(keys) > 0 {
			hint += ": config has " + listWords(keys, 12)
		}
		return "config is the set of config values, not a value: it must be followed by .KEY", hint
	case kindPipeline:
		return "pipeline is not a value: read one of its fields", "pipeline has " + listWords(viewFields(pipelineType), 0)
	case kindRun:
		return "run is not a value: read one of its fields", "run has " + listWords(viewFields(runType), 0)
	case kindNodes:
		return "nodes is the set of nodes, not a value", "read one node's field: nodes.<id>.status, .message or .outputs.<key>"
	case kindNode:
		return "a node is not a value: read one of its fields", "a node has " + listWords(nodeViewFields, 0) + " (nodes.<id>.status)"
	case kindItem:
		return "an instance of nodes.<id>.items is not a value: read one of its fields", "an instance has " + listWords(viewFields(itemType), 0)
	}
	return word + " is not a value", ""
}

var itemType = reflect.TypeFor[ItemView]()

// viewFields are the names expressions read of the struct t.
func viewFields(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name := t.Field(i).Tag.Get("expr"); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// fieldsOf are the fields of what word names, nil when it has none.
func fieldsOf(word string, keys []string) []string {
	switch word {
	case kindConfig:
		return keys
	case kindPipeline:
		return viewFields(pipelineType)
	case kindRun:
		return viewFields(runType)
	case kindNode:
		return nodeViewFields
	case kindItem:
		return viewFields(itemType)
	}
	return nil
}

// listWords is "a, b and c", of at most max words (0: all).
func listWords(words []string, max int) string {
	more := 0
	if max > 0 && len(words) > max {
		words, more = words[:max], len(words)-max
	}
	switch {
	case more > 0:
		return strings.Join(words, ", ") + fmt.Sprintf(" and %d more", more)
	case len(words) == 1:
		return words[0]
	case len(words) == 0:
		return "nothing"
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// noField says that what has no field name.
func noField(what, name string, keys []string) (string, string) {
	msg := fmt.Sprintf("%s has no field %s", what, schema.Quote(name))
	if what == kindNodes {
		return namespaceMessage(what, keys)
	}
	if fields := fieldsOf(what, keys); fields != nil {
		if hint := schema.DidYouMean(name, fields); hint != "" {
			return msg, hint
		}
		return msg, what + " has " + listWords(fields, 12)
	}
	switch what {
	case "a list":
		return msg, "a list is read by position: index it with a number ([0]), or test its items with any() or all()"
	case "a map":
		return msg, ""
	case "null":
		return "null has no field " + schema.Quote(name), "the value is null: a node's output it did not give reads as null; check its name"
	}
	return msg, "only a map has fields"
}

// yamlBoolWords pairs each word YAML 1.1 read as a boolean with its true
// word; YAML 1.2 (pipe's) reads them as strings.
var yamlBoolWords = map[string]string{"yes": "yes", "no": "yes", "on": "on", "off": "on", "y": "y", "n": "y"}

// yamlBoolWord returns the true word of s's pair when s is one of
// yamlBoolWords in any case, written in s's case ("NO": "YES"), else "".
func yamlBoolWord(s string) string {
	yes := yamlBoolWords[strings.ToLower(s)]
	switch {
	case yes == "":
		return ""
	case s == strings.ToUpper(s):
		return strings.ToUpper(yes)
	case s[:1] == strings.ToUpper(s[:1]):
		return strings.ToUpper(yes[:1]) + yes[1:]
	}
	return yes
}

// yesNoHint is the hint of a when that is config.KEY, a string that
// YAML 1.1 read as a boolean: testing it is not empty would take "no"
// for true. "" for another when.
func (e *exprEnv) yesNoHint(when string) string {
	key, ok := strings.CutPrefix(when, "config.")
	value, isYesNo := e.yesNo[key]
	if !ok || !isYesNo {
		return ""
	}
	boolean := "false"
	if strings.EqualFold(yamlBoolWord(value), value) {
		boolean = "true"
	}
	return fmt.Sprintf(`%s is the string %q (YAML 1.2 has no yes/no booleans): write %s, or test config.%s == %q`, key, value, boolean, key, yamlBoolWord(value))
}
