package engine

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/pipe-run/pipe/schema"
)

// exprShape words the messages of expr whose shape is known.
func exprShape(msg, src string, off int, keys []string) (string, string, bool) {
	field := fieldAt(src, off)
	index := indexAt(src, off)
	switch msg {
	case budgetExceeded:
		// The bound on what one evaluation builds (exprBudget).
		return "the expression builds too large a value (more than two million items, counting those it makes along the way)",
			"a range 1..N makes N numbers, and a map over it N more; a foreach makes at most 1,000,000 instances", true
	case budgetOfAMillion:
		return "the expression builds too large a value (more than a million items)",
			"a range 1..N makes N numbers; a foreach makes at most 1,000,000 instances", true
	case "unexpected token EOF":
		return "the expression ends too early: something is missing at its end (after an operator, or a closing bracket)", "", true
	}
	if rest, ok := strings.CutPrefix(msg, "unexpected token "); ok {
		// "unexpected token Operator(\"*\")": the text, not expr's kind
		if _, q, ok := strings.Cut(rest, "("); ok {
			if text, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
				return fmt.Sprintf("unexpected %s here", schema.Quote(text)), "", true
			}
		}
	}
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
			items := strings.TrimSuffix(l, ")") + " items"
			if items == "1 items" {
				items = "1 item"
			}
			return fmt.Sprintf("index %s is out of range: the list has %s", n, items), "", true
		}
	}
	if msg == "reflect: slice index out of range" {
		// An expression compiled untyped (see compilerPanicked): most
		// often the first of a filter that kept nothing.
		return "index out of range: the list is shorter (a filter that kept nothing is empty)", "test its length first, e.g. len(l) > 0 ? l[0] : nil", true
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
	case "%":
		if l == "a number" || r == "a number" { // a number with a fraction, maybe
			return "% takes whole numbers: write int(x) % 2 for one with a fraction"
		}
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
		return "a string cannot be indexed here", `take a part of it with s[0:1], or split it into a list: split(s, ",")`
	}
	return what + " cannot be indexed", "only a list or a map can be"
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
