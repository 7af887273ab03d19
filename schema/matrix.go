package schema

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxMatrix bounds the combinations the matrices of one file expand to,
// in all: they are expanded when the file is read, and an alias can
// repeat one matrix on many nodes.
const MaxMatrix = 100_000

const matrixHint = "write matrix: {league: [england, italy], method: [elo, dixon_coles]}, with optional include: [{...}] and exclude: [{...}]"

// matrix reads a node's `matrix:`, GitHub Actions' strategy.matrix: the
// product of its lists (the first key outermost), less the combinations
// `exclude` matches, plus `include`'s. It becomes a foreach over a literal
// list of maps, one per combination, each instance named by its values
// (fit[england,elo]).
func (l *loader) matrix(v *yaml.Node) *Foreach {
	if v.Kind != yaml.MappingNode {
		l.errorf(posOf(v), matrixHint, "matrix must be a mapping of name to a list of values, not %s", kindName(v))
		return nil
	}
	var dims []string
	var values [][]any
	var include, exclude *yaml.Node
	ok := true
	for _, kv := range l.pairs(v, "matrix key") {
		k, val := kv.key, kv.value
		switch k.Value {
		case "include":
			include = val
			continue
		case "exclude":
			exclude = val
			continue
		}
		if !IsIdentifier(k.Value) {
			l.errorf(posOf(k), "use letters, digits and _ (it is read as item.NAME)", "matrix key %s is not an identifier", Quote(k.Value))
			ok = false
			continue
		}
		vals, good := l.matrixValues(k.Value, val)
		ok = ok && good
		dims, values = append(dims, k.Value), append(values, vals)
	}
	if !ok {
		return nil
	}
	total := 1
	for _, vals := range values {
		if total *= len(vals); l.combos+total > MaxMatrix {
			l.errorf(posOf(v), "split the node, or list the combinations with include", "matrix has more than %d combinations (with the file's other matrices)", MaxMatrix)
			return nil
		}
	}
	l.combos += total
	combos := product(dims, values)
	if len(dims) == 0 {
		combos = nil
	}
	if exclude != nil {
		combos = l.matrixExclude(exclude, dims, combos)
	}
	base := len(combos)
	if include != nil {
		var good bool
		if combos, good = l.matrixInclude(include, dims, combos); !good {
			return nil
		}
	}
	if len(combos) == 0 {
		l.errorf(posOf(v), "list at least one value per key, or an include", "matrix gives no combination: the node would never run")
		return nil
	}
	items := make([]any, len(combos))
	keys := make([]string, len(combos))
	for k, c := range combos {
		items[k] = c.values
		keys[k] = c.key(dims, k < base)
	}
	return &Foreach{Pos: posOf(v), Value: items, Keys: keys}
}

// matrixValues reads one key's values: a non-empty list of distinct
// scalars.
func (l *loader) matrixValues(key string, v *yaml.Node) ([]any, bool) {
	if v.Kind != yaml.SequenceNode {
		l.errorf(posOf(v), matrixHint, "matrix %s must be a list of at least one value, not %s", key, kindName(v))
		return nil, false
	}
	if len(v.Content) == 0 {
		l.errorf(posOf(v), matrixHint, "matrix %s lists no value: the node would never run", key)
		return nil, false
	}
	out := make([]any, 0, len(v.Content))
	seen := map[string]bool{}
	for _, item := range v.Content {
		if item = l.resolve(item); item == nil {
			return nil, false
		}
		if item.Kind != yaml.ScalarNode || isNull(item) {
			l.errorf(posOf(item), "matrix values are texts, numbers or bools; read more from a map in with, e.g. ${{ config.X[item.league] }}", "matrix %s: a value must be a scalar, not %s", key, kindName(item))
			return nil, false
		}
		if strings.Contains(item.Value, "${{") {
			l.errorf(posOf(item), "a matrix is known when the file is read; fan out over an expression with foreach: ${{ ... }}", "matrix values take no ${{ }}")
			return nil, false
		}
		value := l.data(item)
		same := sameKey(value)
		if seen[same] || seen["text:"+item.Value] {
			// 1 and "1" would name the same instance; 1 and 1.0 are one value.
			l.errorf(posOf(item), "list each value once (1, 1.0 and 0x1 are one number)", "matrix %s lists %s twice", key, Quote(item.Value))
			return nil, false
		}
		seen[same], seen["text:"+item.Value] = true, true
		out = append(out, value)
	}
	return out, true
}

// sameKey is what two matrix values share when they are the same value:
// numbers by their value (1, 1.0, 0x1; 0 and -0), the rest by type and
// text.
func sameKey(v any) string {
	switch x := v.(type) {
	case int:
		return "n:" + strconv.FormatFloat(float64(x), 'g', -1, 64)
	case float64:
		if x == 0 {
			x = 0 // -0
		}
		return "n:" + strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprintf("%T:%v", v, v)
}

// combo is one combination: its values by key, and the keys it has
// beyond the matrix's (an include's), in the order written.
type combo struct {
	values map[string]any
	extra  []string
}

// key names a combination's instance: its values, the matrix's keys
// first in file order; an include's new combination adds its other keys'.
func (c combo) key(dims []string, original bool) string {
	var parts []string
	for _, d := range dims {
		if v, ok := c.values[d]; ok {
			parts = append(parts, scalarText(v))
		}
	}
	if !original {
		for _, e := range c.extra {
			if !slices.Contains(dims, e) {
				parts = append(parts, scalarText(c.values[e]))
			}
		}
	}
	return strings.Join(parts, ",")
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// product is every combination of values, the first key outermost.
func product(dims []string, values [][]any) []combo {
	combos := []combo{{values: map[string]any{}}}
	for d, dim := range dims {
		next := make([]combo, 0, len(combos)*len(values[d]))
		for _, c := range combos {
			for _, v := range values[d] {
				m := make(map[string]any, len(dims))
				for k, x := range c.values {
					m[k] = x
				}
				m[dim] = v
				next = append(next, combo{values: m})
			}
		}
		combos = next
	}
	return combos
}

// matrixEntries reads include's or exclude's list of mappings, each with
// its keys in file order.
func (l *loader) matrixEntries(v *yaml.Node, what string) ([]combo, []*yaml.Node, bool) {
	if v.Kind != yaml.SequenceNode {
		l.errorf(posOf(v), matrixHint, "matrix %s must be a list of mappings, not %s", what, kindName(v))
		return nil, nil, false
	}
	var out []combo
	var at []*yaml.Node
	for _, item := range v.Content {
		if item = l.resolve(item); item == nil {
			return nil, nil, false
		}
		if item.Kind != yaml.MappingNode {
			l.errorf(posOf(item), matrixHint, "matrix %s entries must be mappings of key to value, not %s", what, kindName(item))
			return nil, nil, false
		}
		if len(item.Content) == 0 {
			l.errorf(posOf(item), matrixHint, "matrix %s entries must name at least one key: {} matches or adds nothing", what)
			return nil, nil, false
		}
		c := combo{values: map[string]any{}}
		for _, kv := range l.pairs(item, "key") {
			if !IsIdentifier(kv.key.Value) {
				l.errorf(posOf(kv.key), "use letters, digits and _ (it is read as item.KEY)", "matrix %s: key %s is not an identifier", what, Quote(kv.key.Value))
				return nil, nil, false
			}
			if kv.value.Kind != yaml.ScalarNode || isNull(kv.value) {
				l.errorf(posOf(kv.value), "", "matrix %s: %s must be a scalar, not %s", what, kv.key.Value, kindName(kv.value))
				return nil, nil, false
			}
			if strings.Contains(kv.value.Value, "${{") {
				l.errorf(posOf(kv.value), "a matrix is known when the file is read; fan out over an expression with foreach: ${{ ... }}", "matrix values take no ${{ }}")
				return nil, nil, false
			}
			c.values[kv.key.Value] = l.data(kv.value)
			c.extra = append(c.extra, kv.key.Value)
		}
		out, at = append(out, c), append(at, item)
	}
	return out, at, true
}

// matrixExclude drops the combinations an exclude entry matches (each of
// its keys has its value). An entry with a key the matrix has not, or that
// matches nothing, is reported: it is a typo.
func (l *loader) matrixExclude(v *yaml.Node, dims []string, combos []combo) []combo {
	entries, at, ok := l.matrixEntries(v, "exclude")
	if !ok {
		return combos
	}
entries:
	for k, e := range entries {
		for _, key := range e.extra {
			if !slices.Contains(dims, key) {
				hint := DidYouMean(key, dims)
				if hint == "" {
					hint = "exclude names the matrix's keys: " + strings.Join(dims, ", ")
				}
				l.errorf(posOf(at[k]), hint, "matrix exclude: %s is not a key of the matrix", Quote(key))
				continue entries
			}
		}
		kept := combos[:0]
		for _, c := range combos {
			if !matches(c, e, e.extra) {
				kept = append(kept, c)
			}
		}
		if len(kept) == len(combos) {
			l.errorf(posOf(at[k]), "each value must be one the matrix lists", "matrix exclude matches no combination")
		}
		combos = kept
	}
	return combos
}

// matrixInclude adds include's entries, as GitHub Actions does: an entry
// extends every original combination whose matrix values it does not
// change; one that extends none is a combination of its own.
func (l *loader) matrixInclude(v *yaml.Node, dims []string, combos []combo) ([]combo, bool) {
	entries, at, ok := l.matrixEntries(v, "include")
	if !ok {
		return combos, false
	}
	original := len(combos)
	added := map[string]int{} // an entry's combination of its own, by its values: the entry
	for i, e := range entries {
		var own []string // the entry's keys that are the matrix's
		for _, key := range e.extra {
			if slices.Contains(dims, key) {
				own = append(own, key)
			}
		}
		extended := false
		for k := range combos[:original] {
			if !matches(combos[k], e, own) {
				continue
			}
			for _, key := range e.extra {
				combos[k].values[key] = e.values[key]
			}
			extended = true
		}
		if !extended {
			// Twice the same values would run one instance twice, as a
			// value listed twice in the matrix would (an error there).
			sig := e.signature()
			if j, ok := added[sig]; ok {
				l.errorf(posOf(at[i]), "list each combination once", "matrix include entry %d repeats entry %d: the node would run twice with the same values", i+1, j+1)
				return combos, false
			}
			added[sig] = i
			if l.combos++; l.combos > MaxMatrix {
				l.errorf(posOf(v), "split the node", "matrix has more than %d combinations (with the file's other matrices)", MaxMatrix)
				return combos, false
			}
			c := combo{values: make(map[string]any, len(e.values)), extra: e.extra}
			for key, x := range e.values {
				c.values[key] = x
			}
			combos = append(combos, c)
		}
	}
	return combos, true
}

// signature is c's keys and values, in one text that two combinations
// share only when they are the same.
func (c combo) signature() string {
	var b strings.Builder
	for _, key := range slices.Sorted(maps.Keys(c.values)) {
		b.WriteString(strconv.Quote(key))
		b.WriteByte('=')
		b.WriteString(strconv.Quote(scalarText(c.values[key])))
		b.WriteByte(';')
	}
	return b.String()
}

// matches reports whether c has e's value for each of keys.
func matches(c, e combo, keys []string) bool {
	for _, key := range keys {
		if x, ok := c.values[key]; !ok || scalarText(x) != scalarText(e.values[key]) {
			return false
		}
	}
	return true
}
