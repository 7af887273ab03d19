package engine

import (
	"strconv"
	"strings"
	"unicode"
)

// Go types, as expr and reflect write them in messages, in the words
// users know (see exprMessage).

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
		if msg[i] == '"' { // a quoted value is the user's: "int64" stays
			n := quotedLen(msg[i:])
			b.WriteString(msg[i : i+n])
			i += n
			continue
		}
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

// quotedLen is the length of the Go-quoted string s starts with, its
// quotes included; all of s when it does not end.
func quotedLen(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(s)
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
