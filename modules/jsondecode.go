package modules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// DecodeJSON decodes one JSON value into plain values (numbers as int when
// whole, else float64; see PlainNumbers). It also reads the bare tokens
// NaN, Infinity and -Infinity, as Python's json module writes them.
func DecodeJSON(data []byte) (any, error) {
	v, err := decodeStrict(data)
	if err == nil {
		return v, nil
	}
	fixed, ok := quoteNonFinite(data)
	if !ok {
		return nil, err
	}
	if v, err2 := decodeStrict(fixed); err2 == nil {
		return v, nil
	}
	return nil, err
}

func decodeStrict(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	if err := bigInt(v, ""); err != nil {
		return nil, err
	}
	return PlainNumbers(v), nil
}

// BigIntError is a whole number in JSON past 64 bits: as a float it would
// lose its last digits (two ids would compare equal), and nothing would
// say so.
type BigIntError struct {
	At, Number string // where (".id", "[2]"), and the number as written
}

func (e *BigIntError) Error() string {
	at := "the value"
	if e.At != "" {
		at = strings.TrimPrefix(e.At, ".")
	}
	return fmt.Sprintf("%s is %s, a whole number past 64 bits, which pipe cannot keep exactly: write it as a string (%q) to keep it exact, or with a fraction or an exponent (%s.0) for an approximate number",
		at, e.Number, e.Number, e.Number)
}

// bigInt finds, in a value decoded with UseNumber, a whole number written
// without a fraction or an exponent that int64 cannot hold and a float
// cannot either: one whose float, written back, is other digits. Go
// writes the float 1e19 as 10000000000000000000, which reads back as
// written: a float, kept.
func bigInt(v any, at string) error {
	switch x := v.(type) {
	case json.Number:
		text := x.String()
		if !strings.ContainsAny(text, ".eE") {
			if _, err := x.Int64(); err != nil {
				f, ferr := x.Float64()
				if ferr != nil || strconv.FormatFloat(f, 'f', -1, 64) != text {
					return &BigIntError{At: at, Number: text}
				}
			}
		}
	case []any:
		for i, item := range x {
			if err := bigInt(item, at+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if err := bigInt(x[k], at+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// quoteNonFinite rewrites the bare tokens NaN, Infinity and -Infinity that
// stand where a value may start (outside strings) as sentinel strings. It
// reports whether it found any.
func quoteNonFinite(data []byte) ([]byte, bool) {
	if !bytes.Contains(data, []byte("NaN")) && !bytes.Contains(data, []byte("Infinity")) {
		return nil, false
	}
	var out []byte
	found := false
	inString := false
	prev := byte(0) // the last byte outside strings and blanks
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				if i+1 < len(data) {
					i++
					out = append(out, data[i])
				}
			case '"':
				inString = false
				prev = '"'
			}
			continue
		}
		valueStart := prev == 0 || prev == ':' || prev == ',' || prev == '['
		if valueStart {
			if tok, s := nonFiniteToken(data[i:]); tok != "" {
				q, _ := json.Marshal(s)
				out = append(out, q...)
				i += len(tok) - 1
				prev = '"'
				found = true
				continue
			}
		}
		out = append(out, c)
		switch c {
		case ' ', '\t', '\n', '\r':
		case '"':
			inString = true
		default:
			prev = c
		}
	}
	return out, found
}

func nonFiniteToken(b []byte) (tok, sentinel string) {
	for _, t := range [...]struct{ tok, s string }{{"NaN", nanSentinel}, {"Infinity", posInfSentinel}, {"-Infinity", negInfSentinel}} {
		if bytes.HasPrefix(b, []byte(t.tok)) {
			return t.tok, t.s
		}
	}
	return "", ""
}
