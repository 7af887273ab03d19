package engine

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"

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

// typeWord is what users call the Go type t (as reflect or %T writes
// it), with its article: "a number", "a list", "config".
func typeWord(t string) string {
	t = strings.TrimSpace(t)
	switch t {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a bool"
	case "nil", "<nil>":
		return "null"
	case "interface {}", "unknown", "any":
		return "a value of any type"
	case "engine.PipelineView":
		return kindPipeline
	case "engine.RunView":
		return kindRun
	case "engine.NodeView":
		return kindNode
	case "engine.ItemView":
		return kindItem
	case "map[string]engine.NodeView":
		return kindNodes
	case "time.Time", "*time.Time":
		return "a time"
	case "time.Duration":
		return "a duration"
	case "*time.Location", "time.Location":
		return "a time zone"
	}
	switch {
	case strings.HasPrefix(t, "[]"), strings.HasPrefix(t, "["):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a map"
	case strings.HasPrefix(t, "struct {"), strings.HasPrefix(t, "struct{"):
		return kindConfig
	case strings.HasPrefix(t, "func("):
		return "a function"
	case strings.HasPrefix(t, "*"):
		return typeWord(t[1:])
	}
	return "a value"
}

// bare is word without its article: "number" for "a number".
func bare(word string) string {
	for _, a := range []string{"a ", "an "} {
		if s, ok := strings.CutPrefix(word, a); ok {
			return s
		}
	}
	return word
}

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

// exprShape words the messages of expr whose shape is known.
func exprShape(msg, src string, off int, keys []string) (string, string, bool) {
	field := fieldAt(src, off)
	index := indexAt(src, off)
	if rest, ok := strings.CutPrefix(msg, "type "); ok {
		// "type X has no field Y", "type X has no method Y",
		// "type X[Y] is undefined", "type X does not support indexing"
		t, after := cutType(rest)
		if t != "" {
			what := typeWord(t)
			for _, p := range []string{" has no field ", " has no method "} {
				if name, ok := strings.CutPrefix(after, p); ok {
					m, h := noField(what, name, keys)
					return m, h, true
				}
			}
			if strings.HasPrefix(after, "[") && strings.HasSuffix(after, "] is undefined") {
				by := typeWord(strings.TrimSuffix(after[1:], "] is undefined"))
				m, h := cannotIndex(what, by, keys)
				return m, h, true
			}
			if after == " does not support indexing" {
				m, h := cannotIndex(what, "", keys)
				return m, h, true
			}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid operation: "); ok {
		if m, h, ok := invalidOperation(rest, src, off, field, index, keys); ok {
			return m, h, true
		}
	}
	if rest, ok := strings.CutPrefix(msg, "expected bool, but got "); ok {
		what := typeWord(rest)
		if isNamespace(what) {
			m, h := namespaceMessage(what, keys)
			return m, h, true
		}
		return "when must be true or false, not " + what, "", true
	}
	if rest, ok := strings.CutPrefix(msg, "non-bool expression (type "); ok {
		what := typeWord(strings.TrimSuffix(rest, ") used as condition"))
		if isNamespace(what) {
			m, h := namespaceMessage(what, keys)
			return m, h, true
		}
		return "a condition (? :) must be true or false, not " + what, "", true
	}
	if rest, ok := strings.CutPrefix(msg, "cannot use "); ok {
		// "cannot use X as argument (type Y) to call F",
		// "cannot use X to get an element from Y",
		// "cannot use X as field name of Y" (run time)
		t, after := cutType(rest)
		what := typeWord(t)
		if s, ok := strings.CutPrefix(after, " as argument (type "); ok {
			want, s2 := cutType(s)
			if fn, ok := strings.CutPrefix(s2, ") to call "); ok {
				if isNamespace(what) {
					m, h := namespaceMessage(what, keys)
					return m, h, true
				}
				return fmt.Sprintf("%s takes %s, not %s", strings.TrimSpace(fn), typeWord(want), what), "", true
			}
		}
		if s, ok := strings.CutPrefix(after, " to get an element from "); ok {
			m, h := cannotIndex(typeWord(s), what, keys)
			return m, h, true
		}
		if s, ok := strings.CutPrefix(after, " as field name of "); ok {
			m, h := cannotIndex(typeWord(s), what, keys)
			return m, h, true
		}
	}
	if rest, ok := strings.CutPrefix(msg, "array elements can only be selected using an integer (got "); ok {
		if field != "" {
			m, h := noField("a list", field, keys)
			return m, h, true
		}
		m, h := cannotIndex("a list", typeWord(strings.TrimSuffix(rest, ")")), keys)
		return m, h, true
	}
	if rest, ok := strings.CutPrefix(msg, "builtin "); ok {
		// "builtin F takes only array (got X)"
		if fn, got, ok := strings.Cut(rest, " takes only array (got "); ok {
			what := typeWord(strings.TrimSuffix(got, ")"))
			if isNamespace(what) {
				m, h := namespaceMessage(what, keys)
				return m, h, true
			}
			return fmt.Sprintf("%s takes a list, not %s", fn, what), "", true
		}
	}
	if rest, ok := strings.CutPrefix(msg, "predicate should return boolean (got "); ok {
		return "the test inside must give true or false, not " + typeWord(strings.TrimSuffix(rest, ")")), "", true
	}
	if rest, ok := strings.CutPrefix(msg, "invalid argument for "); ok {
		// "invalid argument for len (type X)"
		if fn, t, ok := strings.Cut(rest, " (type "); ok {
			what := typeWord(strings.TrimSuffix(t, ")"))
			if isNamespace(what) {
				m, h := namespaceMessage(what, keys)
				return m, h, true
			}
			takes := map[string]string{"len": "a list, a map or a string", "abs": "a number", "int": "a number or a string", "float": "a number or a string", "join": "a list of strings"}[fn]
			if takes == "" {
				return fmt.Sprintf("%s cannot take %s", fn, what), "", true
			}
			return fmt.Sprintf("%s takes %s, not %s", fn, takes, what), "", true
		}
	}
	if rest, ok := strings.CutSuffix(msg, " is not callable"); ok {
		what := typeWord(rest)
		if isNamespace(what) {
			m, h := namespaceMessage(what, keys)
			return m, h, true
		}
		return what + " is not a function", "", true
	}
	if rest, ok := strings.CutPrefix(msg, "cannot slice "); ok {
		return typeWord(rest) + " cannot be sliced", "", true
	}
	if rest, ok := strings.CutPrefix(msg, "non-integer slice index "); ok {
		return "a slice bound must be a whole number, not " + typeWord(rest), "", true
	}
	if rest, ok := strings.CutPrefix(msg, "cannot fetch "); ok {
		// run time: "cannot fetch Y from X" (a field or index of X)
		if i := strings.LastIndex(rest, " from "); i >= 0 {
			name, what := rest[:i], typeWord(rest[i+len(" from "):])
			if field != "" {
				m, h := noField(what, field, keys)
				return m, h, true
			}
			if isNamespace(what) {
				m, h := noField(what, name, keys)
				return m, h, true
			}
			m, h := cannotIndex(what, "", keys)
			return m, h, true
		}
	}
	if rest, ok := strings.CutPrefix(msg, "cannot get "); ok {
		if i := strings.LastIndex(rest, " from "); i >= 0 && field != "" {
			m, h := noField(typeWord(rest[i+len(" from "):]), field, keys)
			return m, h, true
		}
	}
	if rest, ok := strings.CutPrefix(msg, "index out of range: "); ok {
		// "index out of range: 5 (array length is 2)"
		if n, l, ok := strings.Cut(rest, " (array length is "); ok {
			return fmt.Sprintf("index %s is out of range: the list has %s items", n, strings.TrimSuffix(l, ")")), "", true
		}
	}
	if rest, ok := strings.CutPrefix(msg, `operator "in" not defined on `); ok {
		return "in takes a list, a map or a string on its right, not " + typeWord(rest), "", true
	}
	if rest, ok := strings.CutPrefix(msg, "reflect.Value.MapIndex: value of type "); ok {
		// run time: a map indexed by a value that is not a string
		t, _ := cutType(rest)
		m, h := cannotIndex("a map", typeWord(t), keys)
		return m, h, true
	}
	if rest, ok := strings.CutPrefix(msg, "interface conversion: interface {} is "); ok {
		// run time: a value of another type than an operator or a
		// function takes, "interface conversion: interface {} is int, not string"
		got, want, ok := strings.Cut(rest, ", not ")
		if ok {
			return takesNot(src, off, typeWord(want), typeWord(got)), "", true
		}
	}
	if strings.Contains(msg, "reflect: call of reflect.Value.") {
		m := reflectMessage(msg)
		if fn := callAt(src, off); fn != "" {
			m = strings.Replace(m, "a function was given", fn+" was given", 1)
		}
		return m, "", true
	}
	if rest, ok := strings.CutPrefix(msg, "runtime error: "); ok {
		if rest == "integer divide by zero" {
			return "division by zero", "", true
		}
		return userTypes(rest), "", true
	}
	return "", "", false
}

// invalidOperation words expr's "invalid operation: ..." (rest is what
// follows), at compile and at run time.
func invalidOperation(rest, src string, off int, field, index string, keys []string) (string, string, bool) {
	// compile: "OP (mismatched types X and Y)", "OP (mismatched type X)"
	if op, types, ok := strings.Cut(rest, " (mismatched types "); ok {
		l, after := cutType(types)
		r := strings.TrimSuffix(strings.TrimPrefix(after, " and "), ")")
		lw, rw := typeWord(l), typeWord(r)
		for _, w := range []string{lw, rw} {
			if isNamespace(w) {
				m, h := namespaceMessage(w, keys)
				return m, h, true
			}
		}
		return binaryMessage(op, lw, rw), "", true
	}
	if op, t, ok := strings.Cut(rest, " (mismatched type "); ok {
		what := typeWord(strings.TrimSuffix(t, ")"))
		if isNamespace(what) {
			m, h := namespaceMessage(what, keys)
			return m, h, true
		}
		return unaryMessage(op, what), "", true
	}
	// run time: "cannot call non-function of type X"
	if t, ok := strings.CutPrefix(rest, "cannot call non-function of type "); ok {
		return typeWord(t) + " is not a function", "", true
	}
	// run time: "bool(X)", "int(X)", "float(X)": a conversion expr makes
	if conv, t, ok := strings.Cut(rest, "("); ok && strings.HasSuffix(t, ")") && !strings.Contains(conv, " ") {
		what := typeWord(strings.TrimSuffix(t, ")"))
		switch conv {
		case "bool":
			return "must be true or false, not " + what, "", true
		case "int", "int64":
			if field != "" {
				m, h := noField("a list", field, keys)
				return m, h, true
			}
			if index != "" {
				m, h := cannotIndex("a list", what, keys)
				return m, h, true
			}
			return "cannot make a whole number of " + what, "", true
		case "float":
			return "cannot make a number of " + what, "", true
		}
	}
	// run time: "- X" and "X OP Y"
	if t, ok := strings.CutPrefix(rest, "- "); ok && !strings.Contains(t, " ") {
		return unaryMessage("-", typeWord(t)), "", true
	}
	if l, after := cutType(rest); l != "" && strings.HasPrefix(after, " ") {
		op, r, ok := strings.Cut(after[1:], " ")
		if ok && op != "" && !strings.ContainsFunc(op, unicode.IsLetter) {
			return binaryMessage(op, typeWord(l), typeWord(r)), "", true
		}
	}
	return "", "", false
}

func binaryMessage(op, l, r string) string {
	// A side of any type (an output read) is not what is wrong.
	const anyValue = "a value of any type"
	if l == anyValue && r != anyValue {
		l, r = r, l
	}
	if r == anyValue {
		return fmt.Sprintf("%s cannot take %s", op, l)
	}
	switch op {
	case "&&", "||", "and", "or":
		return fmt.Sprintf("%s takes true or false on each side, not %s and %s", op, l, r)
	case "in", "not in":
		return fmt.Sprintf("%s cannot look for %s in %s", op, l, r)
	}
	return fmt.Sprintf("%s cannot take %s and %s", op, l, r)
}

func unaryMessage(op, what string) string {
	switch op {
	case "!", "not":
		return fmt.Sprintf("%s takes true or false, not %s", op, what)
	case "-", "+":
		return fmt.Sprintf("%s takes a number, not %s", op, what)
	}
	return fmt.Sprintf("%s cannot take %s", op, what)
}

// cannotIndex says that what cannot be indexed by by ("" when unknown).
func cannotIndex(what, by string, keys []string) (string, string) {
	if isNamespace(what) {
		if fields := fieldsOf(what, keys); fields != nil {
			return fmt.Sprintf("%s cannot be indexed", what), "read a field: " + what + " has " + listWords(fields, 12)
		}
		return namespaceMessage(what, keys)
	}
	switch what {
	case "a map":
		if by == "" {
			return "a map is indexed by a key (a string)", ""
		}
		return fmt.Sprintf("a map is indexed by a key (a string), not %s", by), `write m["key"] or m.key`
	case "a list":
		if by == "" {
			return "a list is indexed by a number", ""
		}
		return fmt.Sprintf("a list is indexed by a number, not %s", by), "write l[0] for the first item"
	case "a string":
		if by != "" && by != "a number" {
			return fmt.Sprintf("a string is indexed by a number, not %s", by), ""
		}
	}
	return what + " cannot be indexed", "only a list, a map or a string can be"
}

// takesNot says that the operator or the function at rune off of src
// takes want, and was given got.
func takesNot(src string, off int, want, got string) string {
	r := []rune(src)
	if off >= 0 && off < len(r) {
		if r[off] == '!' {
			return "! takes true or false, not " + got
		}
		if fn := callAt(src, off); fn != "" {
			return fmt.Sprintf("%s takes %s, not %s", fn, want, got)
		}
		if strings.HasPrefix(string(r[off:]), "not ") {
			return "not takes true or false, not " + got
		}
	}
	return fmt.Sprintf("expected %s, not %s", want, got)
}

// callAt is the name of the function called at rune off of src, "" when
// no call starts there.
func callAt(src string, off int) string {
	r := []rune(src)
	if off < 0 || off >= len(r) {
		return ""
	}
	end := off
	for end < len(r) && (unicode.IsLetter(r[end]) || unicode.IsDigit(r[end]) || r[end] == '_') {
		end++
	}
	if end > off && end < len(r) && r[end] == '(' {
		return string(r[off:end])
	}
	return ""
}

// fieldAt is the name read as a field (x.name) at rune off of src, "" when
// there is none.
func fieldAt(src string, off int) string {
	r := []rune(src)
	if off <= 0 || off >= len(r) || r[off-1] != '.' {
		return ""
	}
	end := off
	for end < len(r) && (unicode.IsLetter(r[end]) || unicode.IsDigit(r[end]) || r[end] == '_') {
		end++
	}
	return string(r[off:end])
}

// indexAt is the index (the text inside [ ]) at rune off of src, "" when
// there is none there.
func indexAt(src string, off int) string {
	r := []rune(src)
	if off < 0 || off >= len(r) || r[off] != '[' {
		return ""
	}
	if end := strings.IndexRune(string(r[off:]), ']'); end > 1 {
		return string(r[off:])[1:end]
	}
	return ""
}

// cutType splits s into the Go type it starts with and the rest.
func cutType(s string) (string, string) {
	n := goTypeLen(s)
	return s[:n], s[n:]
}

// goTypeLen is the length of the Go type (as reflect writes it) s starts
// with, 0 when it starts with none.
func goTypeLen(s string) int {
	switch {
	case strings.HasPrefix(s, "*"):
		if n := goTypeLen(s[1:]); n > 0 {
			return 1 + n
		}
		return 0
	case strings.HasPrefix(s, "[]"):
		if n := goTypeLen(s[2:]); n > 0 {
			return 2 + n
		}
		return 0
	case strings.HasPrefix(s, "["):
		i := strings.IndexByte(s, ']')
		if i < 0 {
			return 0
		}
		if _, err := strconv.Atoi(s[1:i]); err != nil {
			return 0
		}
		if n := goTypeLen(s[i+1:]); n > 0 {
			return i + 1 + n
		}
		return 0
	case strings.HasPrefix(s, "map["):
		k := goTypeLen(s[4:])
		if k == 0 || len(s) <= 4+k || s[4+k] != ']' {
			return 0
		}
		if v := goTypeLen(s[5+k:]); v > 0 {
			return 5 + k + v
		}
		return 0
	case strings.HasPrefix(s, "struct {"), strings.HasPrefix(s, "interface {"):
		return balanced(s, '{', '}')
	case strings.HasPrefix(s, "func("):
		n := balanced(s, '(', ')')
		if n == 0 {
			return 0
		}
		// a result: "func() bool", "func(int) (int, error)"
		if strings.HasPrefix(s[n:], " (") {
			if m := balanced(s[n+1:], '(', ')'); m > 0 {
				return n + 1 + m
			}
		}
		if strings.HasPrefix(s[n:], " ") {
			if m := goTypeLen(s[n+1:]); m > 0 && !strings.HasPrefix(s[n+1:], "and ") {
				return n + 1 + m
			}
		}
		return n
	case strings.HasPrefix(s, "<nil>"):
		return len("<nil>")
	}
	// a name, maybe qualified: int, engine.NodeView, time.Time
	n := 0
	for n < len(s) {
		c := rune(s[n])
		if unicode.IsLetter(c) || c == '_' || n > 0 && (unicode.IsDigit(c) || c == '.') {
			n++
			continue
		}
		break
	}
	return n
}

// balanced is the length of s up to the close matching its first open,
// skipping Go-quoted strings; 0 when there is none.
func balanced(s string, open, close byte) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// goTypeStarts are the beginnings of the Go types userTypes replaces.
var goTypeStarts = []string{"[]", "map[", "struct {", "interface {", "func(", "engine.", "*engine.", "reflect.", "time.", "<nil>",
	"float64", "float32", "int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8"}

// userTypes replaces the Go types left in msg by what users call them,
// and drops reflect's names: no message of an expression names Go's.
func userTypes(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); {
		if i == 0 || !isWordByte(msg[i-1]) {
			for _, p := range goTypeStarts {
				if !strings.HasPrefix(msg[i:], p) {
					continue
				}
				if p == "reflect." {
					// reflect.Value.MapIndex: ... — the function is Go's.
					n := 0
					for n < len(msg[i:]) && msg[i+n] != ' ' && msg[i+n] != ':' {
						n++
					}
					i += n
					for i < len(msg) && (msg[i] == ':' || msg[i] == ' ') {
						i++
					}
					goto next
				}
				if n := goTypeLen(msg[i:]); n > 0 && (i+n == len(msg) || !isWordByte(msg[i+n])) {
					b.WriteString(bare(typeWord(msg[i : i+n])))
					i += n
					goto next
				}
			}
		}
		b.WriteByte(msg[i])
		i++
	next:
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
