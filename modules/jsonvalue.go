package modules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Non-finite numbers (NaN, +Inf, -Inf) are numbers inside pipe: expressions
// compare them as IEEE 754 says (NaN < 1 is false) and modules get them as
// float64. JSON has no such numbers, so wherever pipe writes JSON (the run
// record, the journal, --json, a program's JSON stdin) they are the strings
// below, as JavaScript's String(NaN) and many JSON tools write them. Where
// pipe reads JSON from a program, it also takes the bare tokens NaN,
// Infinity and -Infinity that Python's json module writes by default.
const (
	NaNText    = "NaN"
	PosInfText = "Infinity"
	NegInfText = "-Infinity"
)

// Sentinels stand for non-finite numbers inside strings while decoding:
// no real string starts with a NUL byte and these words.
const (
	nanSentinel    = "\x00pipe:NaN"
	posInfSentinel = "\x00pipe:+Inf"
	negInfSentinel = "\x00pipe:-Inf"
)

// NonFiniteText returns the text pipe writes for f, and whether f is
// non-finite.
func NonFiniteText(f float64) (string, bool) {
	switch {
	case math.IsNaN(f):
		return NaNText, true
	case math.IsInf(f, 1):
		return PosInfText, true
	case math.IsInf(f, -1):
		return NegInfText, true
	}
	return "", false
}

// JSONSafe returns v with every non-finite float replaced by its text
// (NonFiniteText), so that encoding/json can write it. It copies only the
// maps and lists on the way to a replaced number; a value without one is
// returned as it is, without allocating.
func JSONSafe(v any) any {
	out, _ := Rewrite(v, nonFiniteAsText)
	return out
}

// nonFiniteAsText and nonFiniteAsSentinel are Rewrite leaves; top-level
// functions, so that passing them allocates nothing.
func nonFiniteAsText(leaf any) (any, bool) {
	return replaceNonFinite(leaf, func(text string) any { return text })
}

func nonFiniteAsSentinel(leaf any) (any, bool) {
	return replaceNonFinite(leaf, func(text string) any { return sentinelOf(text) })
}

// replaceNonFinite replaces leaf by with(text) when it is a non-finite
// number (a []float64 holding one becomes a []any).
func replaceNonFinite(leaf any, with func(string) any) (any, bool) {
	switch x := leaf.(type) {
	case float64:
		if s, ok := NonFiniteText(x); ok {
			return with(s), true
		}
	case float32:
		if s, ok := NonFiniteText(float64(x)); ok {
			return with(s), true
		}
	case []float64: // Go modules return these; plain values have none
		if !slices.ContainsFunc(x, func(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) }) {
			return leaf, false
		}
		out := make([]any, len(x))
		for i, f := range x {
			out[i] = f
			if s, ok := NonFiniteText(f); ok {
				out[i] = with(s)
			}
		}
		return out, true
	}
	return leaf, false
}

// Rewrite applies leaf to every value inside v that is not a []any or a
// map[string]any, and returns v with the leaves leaf changed. It copies
// only the lists and maps on the way to a changed leaf: when nothing
// changes, v itself comes back and nothing is allocated. The bool reports
// whether anything changed.
func Rewrite(v any, leaf func(any) (any, bool)) (any, bool) {
	return RewriteKeys(v, nil, leaf)
}

// RewriteKeys is Rewrite that also renames the keys of the maps inside v
// with key (nil renames none). Keys renamed alike, or renamed as a key
// left as it is, are told apart by a suffix (#2, #3, ...) given in the
// keys' sorted order: the same map always comes out the same.
func RewriteKeys(v any, key func(string) string, leaf func(any) (any, bool)) (any, bool) {
	switch x := v.(type) {
	case []any:
		var out []any
		for i, item := range x {
			r, changed := RewriteKeys(item, key, leaf)
			if changed && out == nil {
				out = slices.Clone(x)
			}
			if out != nil {
				out[i] = r
			}
		}
		if out != nil {
			return out, true
		}
		return v, false // not x: boxing a slice again would allocate
	case map[string]any:
		var out map[string]any
		for k, item := range x {
			r, changed := RewriteKeys(item, key, leaf)
			if !changed {
				continue
			}
			if out == nil {
				out = maps.Clone(x)
			}
			out[k] = r
		}
		if key != nil {
			src := x
			if out != nil {
				src = out
			}
			if renamed, ok := renameKeys(src, key); ok {
				return renamed, true
			}
		}
		if out != nil {
			return out, true
		}
		return v, false // not x: boxing a slice again would allocate
	}
	return leaf(v)
}

// renameKeys returns a copy of m with its keys renamed by key, and true;
// m and false when key renames none.
func renameKeys(m map[string]any, key func(string) string) (map[string]any, bool) {
	var renamed []string
	for k := range m {
		if key(k) != k {
			renamed = append(renamed, k)
		}
	}
	if renamed == nil {
		return m, false
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(renamed, k) {
			out[k] = v
		}
	}
	slices.Sort(renamed)
	for _, k := range renamed {
		base := key(k)
		name := base
		for n := 2; ; n++ {
			if _, taken := out[name]; !taken {
				break
			}
			name = base + "#" + strconv.Itoa(n)
		}
		out[name] = m[k]
	}
	return out, true
}

// MarshalJSON encodes v as encoding/json does, except that non-finite
// numbers are written as their text instead of failing the encoding.
func MarshalJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	var unsupported *json.UnsupportedValueError
	if err != nil && errors.As(err, &unsupported) {
		return json.Marshal(JSONSafe(v))
	}
	return b, err
}

// MarshalPythonJSON encodes v for Python's json module: non-finite numbers
// are the bare tokens NaN, Infinity and -Infinity it reads back as floats,
// and a negative zero is -0.0 (Go writes -0, which Python reads as the int
// 0, its sign lost).
func MarshalPythonJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	var unsupported *json.UnsupportedValueError
	if err != nil && !errors.As(err, &unsupported) {
		return nil, err
	}
	if err == nil && !hasNegZero(v) {
		return b, nil
	}
	safe, _ := Rewrite(v, pythonSentinel)
	if b, err = json.Marshal(safe); err != nil {
		return nil, err
	}
	for _, s := range [...]string{nanSentinel, posInfSentinel, negInfSentinel, negZeroSentinel} {
		quoted, _ := json.Marshal(s)
		b = bytes.ReplaceAll(b, quoted, []byte(textOf(s)))
	}
	return b, nil
}

// negZeroSentinel stands for -0.0 while MarshalPythonJSON encodes.
const negZeroSentinel = "\x00pipe:-0"

func isNegZero(f float64) bool { return f == 0 && math.Signbit(f) }

// hasNegZero reports whether v holds a float64 negative zero.
func hasNegZero(v any) bool {
	switch x := v.(type) {
	case float64:
		return isNegZero(x)
	case []any:
		return slices.ContainsFunc(x, hasNegZero)
	case []float64:
		return slices.ContainsFunc(x, isNegZero)
	case map[string]any:
		for _, item := range x {
			if hasNegZero(item) {
				return true
			}
		}
	}
	return false
}

// pythonSentinel is MarshalPythonJSON's Rewrite leaf.
func pythonSentinel(leaf any) (any, bool) {
	switch x := leaf.(type) {
	case float64:
		if isNegZero(x) {
			return negZeroSentinel, true
		}
	case []float64:
		if slices.ContainsFunc(x, isNegZero) {
			out := make([]any, len(x))
			for i, f := range x {
				out[i], _ = pythonSentinel(f)
			}
			return out, true
		}
	}
	return nonFiniteAsSentinel(leaf)
}

func sentinelOf(text string) string {
	switch text {
	case NaNText:
		return nanSentinel
	case PosInfText:
		return posInfSentinel
	}
	return negInfSentinel
}

func textOf(sentinel string) string {
	switch sentinel {
	case nanSentinel:
		return NaNText
	case negZeroSentinel:
		return "-0.0"
	case posInfSentinel:
		return PosInfText
	}
	return NegInfText
}

// sentinelValue turns a sentinel string back into its number.
func sentinelValue(s string) (float64, bool) {
	if len(s) == 0 || s[0] != 0 {
		return 0, false
	}
	switch s {
	case nanSentinel:
		return math.NaN(), true
	case posInfSentinel:
		return math.Inf(1), true
	case negInfSentinel:
		return math.Inf(-1), true
	}
	return 0, false
}

// Text renders a value as text where it goes into a string: an input's
// ${{ }} inside a longer string, an environment variable. Null is empty,
// numbers are written as JSON writes them (non-finite ones as NaN, Inf,
// -Inf), lists and maps as JSON: a program reads [1,"two"] as it would
// from stdin, not Go's [1 two].
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		if text, ok := NonFiniteText(x); ok {
			return text
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case fmt.Stringer:
		return x.String()
	}
	if b, err := MarshalJSON(v); err == nil {
		return string(b)
	}
	return fmt.Sprint(v)
}
