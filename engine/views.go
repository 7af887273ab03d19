package engine

import (
	"reflect"
	"strings"

	"github.com/pipe-run/pipe/modules"
)

// Expressions read config, nodes, pipeline and run as Go structs (typed,
// so that validate finds config.TYPO). A whole one given as a value
// (${{ config }}, ${{ nodes.a }}) would reach a module, and the record,
// as encoding/json writes a struct: F0, Items, Message. plainViews makes
// them the maps users read them as, keyed by their names in expressions.

// plainViews returns v with every struct of pipe's views inside it made a
// map by its expr names, and every map keyed by any (fromPairs, groupBy)
// one keyed by text unless the run c does not take ChangeAnyKeyMaps; v
// itself when it holds none (most values: a walk of its lists and maps,
// allocating nothing).
func plainViews(v any, c *core) any {
	switch x := v.(type) {
	case nil, string, bool, int, float64:
		return v
	case []any:
		for i, item := range x {
			if p := plainViews(item, c); !unchanged(p, item) {
				out := make([]any, len(x))
				copy(out, x[:i])
				for j := i; j < len(x); j++ {
					out[j] = plainViews(x[j], c)
				}
				return out
			}
		}
		return v
	case map[string]any:
		for _, item := range x {
			if p := plainViews(item, c); !unchanged(p, item) {
				out := make(map[string]any, len(x))
				for k, item := range x {
					out[k] = plainViews(item, c)
				}
				return out
			}
		}
		return v
	}
	return plainReflect(reflect.ValueOf(v), c)
}

// unchanged reports whether plainViews left a value as it was: only
// structs, and lists and maps holding them, change, and those come back
// as another type.
func unchanged(a, b any) bool {
	switch a.(type) {
	case []any, map[string]any:
		return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
	}
	return reflect.TypeOf(a) == reflect.TypeOf(b)
}

func plainReflect(rv reflect.Value, c *core) any {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return plainReflect(rv.Elem(), c)
	case reflect.Struct:
		return viewMap(rv, c)
	case reflect.Map:
		switch rv.Type().Key().Kind() {
		case reflect.String:
			out := make(map[string]any, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				out[it.Key().String()] = plainViews(it.Value().Interface(), c)
			}
			return out
		case reflect.Interface:
			// fromPairs makes map[any]any: a mapping to modules and the
			// record, its keys as text (JSON's keys are).
			if !c.adopts(ChangeAnyKeyMaps) {
				break
			}
			out := make(map[string]any, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				out[modules.Text(it.Key().Interface())] = plainViews(it.Value().Interface(), c)
			}
			return out
		}
		return rv.Interface()
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return []any(nil)
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plainViews(rv.Index(i).Interface(), c)
		}
		return out
	}
	return rv.Interface()
}

// viewMap makes a struct of pipe's views a map by its fields' expr names;
// fields without one, and functions (success, failure), are left out.
func viewMap(rv reflect.Value, c *core) map[string]any {
	t := rv.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("expr"), ",")
		if name == "" || name == "-" || f.Type.Kind() == reflect.Func || !f.IsExported() {
			continue
		}
		out[name] = plainViews(rv.Field(i).Interface(), c)
	}
	return out
}
