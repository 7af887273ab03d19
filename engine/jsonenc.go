package engine

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pipe-run/pipe/modules"
)

// This file encodes node records by hand: the journal writes one line per
// node and the run record one per node, and encoding/json's reflection was
// most of their cost (1-2 µs a node). The bytes are those json.Marshal
// writes (TestAppendNodeRecordIsJSONMarshal holds them equal, field by
// field), non-finite numbers as their text like modules.MarshalJSON.

// appendNodeRecord appends n as JSON, as json.Marshal writes a NodeRecord.
func appendNodeRecord(b []byte, n *NodeRecord) ([]byte, error) {
	b = append(b, '{')
	b, err := appendNodeFields(b, n)
	return append(b, '}'), err
}

// appendJournalLine appends a JournalLine for node id of run, as
// json.Marshal writes it.
func appendJournalLine(b []byte, run, id string, n *NodeRecord, cut bool) ([]byte, error) {
	b = append(b, `{"run":`...)
	b = appendString(b, run)
	if id != "" {
		b = append(b, `,"node":`...)
		b = appendString(b, id)
	}
	if cut {
		b = append(b, `,"cut":true`...)
	}
	b = append(b, ',')
	b, err := appendNodeFields(b, n)
	return append(b, '}'), err
}

// appendNodeFields appends n's fields without the braces, in the order and
// with the omissions of NodeRecord's tags.
func appendNodeFields(b []byte, n *NodeRecord) ([]byte, error) {
	var err error
	b = append(b, `"module":`...)
	b = appendString(b, n.Module)
	b = append(b, `,"status":`...)
	b = appendString(b, string(n.Status))
	if n.Message != "" {
		b = append(b, `,"message":`...)
		b = appendString(b, n.Message)
	}
	if n.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendString(b, n.Reason)
	}
	if len(n.Inputs) > 0 {
		b = append(b, `,"inputs":`...)
		if b, err = appendValue(b, n.Inputs); err != nil {
			return b, err
		}
	}
	if len(n.Outputs) > 0 {
		b = append(b, `,"outputs":`...)
		if b, err = appendValue(b, n.Outputs); err != nil {
			return b, err
		}
	}
	if r := n.Resume; r != nil {
		b = append(b, `,"resume":{`...)
		start := len(b)
		if r.CacheKey != "" {
			b = append(b, `,"cache_key":`...)
			b = appendString(b, r.CacheKey)
		}
		if len(r.Files) > 0 {
			b = append(b, `,"files":`...)
			b = appendStringMap(b, r.Files)
		}
		if r.Item != "" {
			b = append(b, `,"item":`...)
			b = appendString(b, r.Item)
		}
		if len(r.SpecialFloats) > 0 {
			b = append(b, `,"special_floats":`...)
			b = appendStrings(b, r.SpecialFloats)
		}
		if r.OutputsMasked {
			b = append(b, `,"outputs_masked":true`...)
		}
		if r.OutputsCut {
			b = append(b, `,"outputs_cut":true`...)
		}
		if len(b) > start { // the first field's comma
			b = append(b[:start], b[start+1:]...)
		}
		b = append(b, '}')
	}
	if n.Definition != "" {
		b = append(b, `,"definition":`...)
		b = appendString(b, n.Definition)
	}
	if n.Attempts != 0 {
		b = append(b, `,"attempts":`...)
		b = strconv.AppendInt(b, int64(n.Attempts), 10)
	}
	if n.CachedFrom != "" {
		b = append(b, `,"cached_from":`...)
		b = appendString(b, n.CachedFrom)
	}
	if len(n.Items) > 0 {
		b = append(b, `,"items":`...)
		b = appendStrings(b, n.Items)
	}
	if n.Worker != "" {
		b = append(b, `,"worker":`...)
		b = appendString(b, n.Worker)
	}
	if !n.StartedAt.IsZero() {
		b = append(b, `,"started_at":`...)
		if b, err = appendTime(b, n.StartedAt); err != nil {
			return b, err
		}
	}
	if !n.FinishedAt.IsZero() {
		b = append(b, `,"finished_at":`...)
		if b, err = appendTime(b, n.FinishedAt); err != nil {
			return b, err
		}
	}
	b = append(b, `,"duration_ms":`...)
	return strconv.AppendInt(b, n.DurationMS, 10), nil
}

// appendStringMap appends m as a JSON object, by sorted key as
// json.Marshal writes a map.
func appendStringMap(b []byte, m map[string]string) []byte {
	b = append(b, '{')
	for k, key := range slices.Sorted(maps.Keys(m)) {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendString(b, key)
		b = append(b, ':')
		b = appendString(b, m[key])
	}
	return append(b, '}')
}

// appendStrings appends list as a JSON list of strings.
func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for k, s := range list {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime appends t as time.Time.MarshalJSON does.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	b = append(b, '"')
	b, err := t.AppendText(b)
	if err != nil {
		return b, err
	}
	return append(b, '"'), nil
}

// appendValue appends v, a value of a node's inputs or outputs. The plain
// JSON types are written here; any other goes through modules.MarshalJSON.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		return appendFloat(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case []any:
		if x == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for k, item := range x {
			if k > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, item); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if x == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for k, key := range keys {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendString(b, key)
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, x[key]); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	out, err := modules.MarshalJSON(v)
	if err != nil {
		return b, err
	}
	return append(b, out...), nil
}

// appendFloat appends f as encoding/json writes a float64 (ES6 style:
// exponents only for very small and very large numbers), and a
// non-finite f as its text, like modules.MarshalJSON.
func appendFloat(b []byte, f float64) []byte {
	if text, ok := modules.NonFiniteText(f); ok {
		return appendString(b, text)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 is written e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendString appends s quoted as json.Marshal quotes it: HTML
// characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"
