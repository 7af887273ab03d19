package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/pipe-run/pipe/modules"
)

// An expression reads values of up to modules.MaxValueBytes each, and a few
// builtins multiply text: repeat(big, 1000) took pipe to a fatal
// out-of-memory, with no record, and so did toJSON of a list nested
// 10,000 deep (its indentation grows with the square of the depth: 200 MB
// from a file of 20 kB) and toBase64 of toBase64 of... Those builtins,
// and + on strings, are replaced by versions that refuse a result over
// MaxValueBytes: the node fails with a message instead. Only expressions
// that use them pay for it.
var (
	boundedRepeat = expr.Function("repeat", func(p ...any) (any, error) {
		s, n := p[0].(string), p[1].(int)
		if n < 0 {
			return nil, fmt.Errorf("repeat: negative count %d", n)
		}
		if err := checkText("repeat", len(s), n); err != nil {
			return nil, err
		}
		return strings.Repeat(s, n), nil
	}, new(func(string, int) string))

	boundedReplace = expr.Function("replace", func(p ...any) (any, error) {
		s, old, repl := p[0].(string), p[1].(string), p[2].(string)
		if len(repl) > len(old) {
			n := strings.Count(s, old)
			if old == "" {
				n = len(s) + 1
			}
			if err := checkText("replace", len(s)+n*(len(repl)-len(old)), 1); err != nil {
				return nil, err
			}
		}
		return strings.ReplaceAll(s, old, repl), nil
	}, new(func(string, string, string) string))

	boundedJoin = expr.Function("join", func(p ...any) (any, error) {
		sep := ""
		if len(p) > 1 {
			sep = p[1].(string)
		}
		items, ok := p[0].([]any)
		if !ok {
			if ss, isStrings := p[0].([]string); isStrings {
				items = make([]any, len(ss))
				for i, s := range ss {
					items[i] = s
				}
			} else {
				return nil, fmt.Errorf("join: %s is not a list", modules.Describe(p[0]))
			}
		}
		parts := make([]string, len(items))
		size := max(len(items)-1, 0) * len(sep)
		for i, item := range items {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("join: item %d is %s, not a string", i, modules.Describe(item))
			}
			parts[i] = s
			if size += len(s); size > modules.MaxValueBytes {
				return nil, checkText("join", size, 1)
			}
		}
		return strings.Join(parts, sep), nil
	}, new(func([]any, string) string), new(func([]any) string), new(func([]string, string) string), new(func([]string) string))

	// boundedToJSON writes what expr's toJSON writes (json.MarshalIndent,
	// two spaces), measured before it is made.
	boundedToJSON = expr.Function("toJSON", func(p ...any) (any, error) {
		compact, err := json.Marshal(p[0])
		if err != nil {
			return nil, err
		}
		n := indentedLen(compact, modules.MaxValueBytes)
		if err := checkText("toJSON", n, 1); err != nil {
			return nil, err
		}
		var b bytes.Buffer
		b.Grow(n)
		if err := json.Indent(&b, compact, "", "  "); err != nil {
			return nil, err
		}
		return b.String(), nil
	}, new(func(any) string))

	boundedToBase64 = expr.Function("toBase64", func(p ...any) (any, error) {
		s := p[0].(string)
		if err := checkText("toBase64", base64.StdEncoding.EncodedLen(len(s)), 1); err != nil {
			return nil, err
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	}, new(func(string) string))

	boundedConcat = []expr.Option{
		expr.Function("pipeConcat", func(p ...any) (any, error) {
			a, b := p[0].(string), p[1].(string)
			if err := checkText("+", len(a)+len(b), 1); err != nil {
				return nil, err
			}
			return a + b, nil
		}, new(func(string, string) string)),
		expr.Operator("+", "pipeConcat"),
	}
)

// checkText fails a text of size bytes, times n, over MaxValueBytes.
func checkText(op string, size, n int) error {
	if n > 0 && size > modules.MaxValueBytes/n {
		return modules.TooLarge(op+" would make", int64(size)*int64(n))
	}
	return nil
}

// indentedLen is the length of compact JSON indented by two spaces a
// level (json.Indent), or a length past limit once it is past it.
func indentedLen(compact []byte, limit int) int {
	n, depth, inString := len(compact), 0, false
	for i := 0; i < len(compact) && n <= limit; i++ {
		c := compact[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if i+1 < len(compact) && (compact[i+1] == '}' || compact[i+1] == ']') {
				i++ // empty: written as it is
				continue
			}
			depth++
			n += 1 + 2*depth // a newline and the indentation
		case ',':
			n += 1 + 2*depth
		case ':':
			n++ // a space after it
		case '}', ']':
			depth--
			n += 1 + 2*depth
		}
	}
	return n
}

// boundedOptions returns the bounded builtins src may call.
func boundedOptions(src string) []expr.Option {
	var opts []expr.Option
	for name, opt := range map[string]expr.Option{"repeat": boundedRepeat, "replace": boundedReplace, "join": boundedJoin,
		"toJSON": boundedToJSON, "toBase64": boundedToBase64} {
		if strings.Contains(src, name) {
			opts = append(opts, opt)
		}
	}
	if strings.Contains(src, "+") {
		opts = append(opts, boundedConcat...)
	}
	return opts
}
