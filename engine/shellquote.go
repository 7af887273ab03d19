package engine

import (
	"reflect"
	"strings"

	"github.com/pipe-run/pipe/modules"
)

// appendShell writes v into a script in context ctx.
func appendShell(b []byte, ctx shellCtx, v any) []byte {
	switch ctx {
	case shellWord:
		if list, ok := asList(v); ok {
			for k, item := range list {
				if k > 0 {
					b = append(b, ' ')
				}
				b = appendSingleQuoted(b, modules.Text(item))
			}
			return b
		}
		return appendSingleQuoted(b, modules.Text(v))
	case shellSingle:
		return appendInSingle(b, modules.Text(v))
	case shellDouble:
		s := modules.Text(v)
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '\\', '"', '$', '`':
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return b
	}
	return append(b, modules.Text(v)...)
}

// asList returns v's items when v is a list of any element type (split()
// gives []string), not bytes.
func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for k, s := range x {
			out[k] = s
		}
		return out, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]any, rv.Len())
	for k := range out {
		out[k] = rv.Index(k).Interface()
	}
	return out, true
}

// appendSingleQuoted writes s as one sh word in single quotes; a quote inside
// closes the quotes, adds an escaped quote and reopens them.
func appendSingleQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	b = appendInSingle(b, s)
	return append(b, '\'')
}

func appendInSingle(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\'')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, `'\''`...)
		s = s[i+1:]
	}
}
