package schema

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// data is scalar for a value the file hands on (a config default, an
// input, a matrix value), after checking that a number written plainly
// is one pipe can hold. YAML reads a whole number past int64 as a float,
// which keeps about 16 digits, and a number past float64's range (1e400,
// 0x1FFFFFFFFFFFFFFFFFFF) as text: either way the value a node got was
// not the one written, and nothing said so.
func (l *loader) data(v *yaml.Node) any {
	val := l.scalar(v)
	if v.Kind != yaml.ScalarNode || v.Style != 0 {
		return val // quoted, a block, or tagged: text as written
	}
	switch lit := v.Value; {
	case isWholeNumber(lit) && isFloat(val):
		l.errorf(posOf(v), `quote it to keep every digit as text ("`+Clip(lit)+`"), or write it with an exponent (`+approx(val)+`) for a number near it`,
			"%s is too large for a whole number (they go up to %d): YAML reads it as a float, which keeps about 16 digits", Clip(lit), math.MaxInt64)
	case isString(val):
		if limit := rangeOf(lit); limit != "" {
			l.errorf(posOf(v), `quote it if text is meant ("`+Clip(lit)+`"); `+limit,
				"%s is out of range for a number: YAML reads it as text", Clip(lit))
		}
	}
	return val
}

// isWholeNumber reports whether s is a decimal whole number as written:
// digits after an optional sign.
func isWholeNumber(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// rangeOf says how large a number may be when s reads as one but for its
// size, and is "" otherwise.
func rangeOf(s string) string {
	if _, err := strconv.ParseFloat(s, 64); errors.Is(err, strconv.ErrRange) {
		return "numbers go up to about 1.8e308"
	}
	if _, err := strconv.ParseInt(strings.Replace(s, "0o", "0", 1), 0, 64); errors.Is(err, strconv.ErrRange) {
		return "whole numbers go up to 0x7FFFFFFFFFFFFFFF"
	}
	return ""
}

func isFloat(v any) bool  { _, ok := v.(float64); return ok }
func isString(v any) bool { _, ok := v.(string); return ok }

// approx writes a float with an exponent and a few digits: 1.2346e+23.
func approx(v any) string {
	f, _ := v.(float64)
	return strconv.FormatFloat(f, 'g', 5, 64)
}

// tagHint says to leave out an explicit YAML tag (!!int 10s, !!str 3),
// which makes a scalar another type than the field takes; "" for a
// scalar without one.
func tagHint(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode || v.Style&yaml.TaggedStyle == 0 || v.Tag == "" {
		return ""
	}
	return "the tag " + Clip(v.Tag) + " makes " + Quote(v.Value) + " " + kindName(v) + ": leave the tag out"
}

func orHint(hint, otherwise string) string {
	if hint != "" {
		return hint
	}
	return otherwise
}
