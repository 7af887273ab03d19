package schema

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// data is scalar for a value the file hands on (a config default, an
// input, a matrix value), after checking that a whole number written
// plainly is one pipe can hold: YAML reads one past int64 as a float,
// which keeps about 16 digits, and a hexadecimal or octal one as text, so
// the value a node got was not the one written, and nothing said so. A
// decimal past float64's range (1e400) stays text, as YAML reads it: it
// may be text (a short git hash, 5e12345).
func (l *loader) data(v *yaml.Node) any {
	if l.customTag(v) {
		return nil
	}
	val := l.scalar(v)
	if v.Kind != yaml.ScalarNode || v.Style != 0 {
		return val // quoted, a block, or tagged: text as written
	}
	lit := v.Value
	if _, err := strconv.ParseInt(lit, 10, 64); errors.Is(err, strconv.ErrRange) && isFloat(val) {
		l.errorf(posOf(v), `quote it to keep every digit as text ("`+Clip(lit)+`"), or write it with an exponent (`+approx(val)+`) for a number near it`,
			"%s is too large for a whole number (they go up to %d): YAML reads it as a float, which keeps about 16 digits", Clip(lit), math.MaxInt64)
	} else if d, ok := leadingZero(lit); ok && (isFloat(val) || toInt(val) != d) {
		// 0755 is octal to YAML (493), 08 a float: neither what most
		// mean (a zip code, a month), and --set reads them in decimal.
		read, octal := "the octal number "+strconv.FormatInt(toInt(val), 10), ", or "+octalHint(lit)+" for octal"
		if isFloat(val) {
			read, octal = "a float, not a whole number", ""
		}
		l.errorf(posOf(v), `quote it to keep it as text ("`+Clip(lit)+`"), write `+strconv.FormatInt(d, 10)+` for the number`+octal,
			"%s starts with 0: YAML reads it as %s", Clip(lit), read)
	} else if isString(val) && isPrefixedInt(lit) {
		if _, err := strconv.ParseInt(lit, 0, 64); errors.Is(err, strconv.ErrRange) {
			l.errorf(posOf(v), `quote it if text is meant ("`+Clip(lit)+`"); whole numbers go up to 0x7FFFFFFFFFFFFFFF`,
				"%s is out of range for a number: YAML reads it as text", Clip(lit))
		}
	}
	return val
}

// leadingZero reads s, a whole number in decimal digits written with a
// leading 0 (0755, -08), in decimal; ok is false for any other s.
func leadingZero(s string) (int64, bool) {
	s = strings.ReplaceAll(s, "_", "") // YAML reads 0_755 as 0755
	digits := strings.TrimLeft(s, "+-")
	if len(digits) < 2 || digits[0] != '0' || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	d, err := strconv.ParseInt(s, 10, 64)
	return d, err == nil
}

// octalHint writes s, a leading-0 number, as YAML's octal (0o755).
func octalHint(s string) string {
	s = strings.ReplaceAll(s, "_", "")
	sign := s[:len(s)-len(strings.TrimLeft(s, "+-"))]
	return sign + "0o" + strings.TrimLeft(s[len(sign):], "0")
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	return 0
}

// isPrefixedInt reports whether s is written as a hexadecimal, octal or
// binary whole number (0x1F, -0o17, 0b101).
func isPrefixedInt(s string) bool {
	s = strings.TrimLeft(s, "+-")
	return len(s) > 2 && s[0] == '0' && strings.ContainsRune("xXoObB", rune(s[1]))
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
