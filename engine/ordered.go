package engine

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/pipe-run/pipe/modules"
)

// expr's keys(), values() and toPairs() list a map in Go's map order,
// which differs from one call to the next: keys(m)[0] changed between runs,
// keys(m) and values(m) did not line up, and on Temporal a workflow that
// replayed took another branch than it had (a nondeterministic workflow).
// They are replaced by versions in the order of the keys, which foreach
// over a map uses too. Only expressions that name them pay for it.
var orderedOptions = map[string]expr.Option{
	"keys":    orderedFunc("keys", func(e entry) any { return e.key }),
	"values":  orderedFunc("values", func(e entry) any { return e.value }),
	"toPairs": orderedFunc("toPairs", func(e entry) any { return []any{e.key, e.value} }),
}

// orderedFunc is the builtin name that lists what pick takes of each
// entry of its map, by key.
func orderedFunc(name string, pick func(entry) any) expr.Option {
	return expr.Function(name, func(p ...any) (any, error) {
		m, err := mapArg(name, p)
		if err != nil {
			return nil, err
		}
		out := make([]any, len(m))
		for i, e := range m {
			out[i] = pick(e)
		}
		return out, nil
	})
}

type entry struct{ key, value any }

// mapArg returns the entries of the one map fn was given, by key.
func mapArg(fn string, p []any) ([]entry, error) {
	if len(p) != 1 {
		return nil, fmt.Errorf("%s takes one map, not %d values", fn, len(p))
	}
	v := reflect.ValueOf(p[0])
	if v.Kind() == reflect.Struct { // config, pipeline, run, a node: by their names
		v = reflect.ValueOf(viewMap(v, nil))
	}
	if v.Kind() != reflect.Map {
		return nil, fmt.Errorf("%s takes a map, not %s", fn, modules.Describe(p[0]))
	}
	out := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		out = append(out, entry{it.Key().Interface(), it.Value().Interface()})
	}
	slices.SortFunc(out, func(a, b entry) int {
		// Numbers (fromPairs([[2, 'a'], [10, 'b']])) by value, the rest
		// by text, numbers first.
		x, xok := modules.AsNumber(a.key)
		y, yok := modules.AsNumber(b.key)
		switch {
		case xok && yok:
			return cmp.Compare(x, y)
		case xok != yok:
			if xok {
				return -1
			}
			return 1
		}
		return cmp.Compare(fmt.Sprint(a.key), fmt.Sprint(b.key))
	})
	return out, nil
}

// orderedOpts returns the ordered builtins src may call.
func orderedOpts(src string) []expr.Option {
	var opts []expr.Option
	for name, opt := range orderedOptions {
		if strings.Contains(src, name) {
			opts = append(opts, opt)
		}
	}
	return opts
}
