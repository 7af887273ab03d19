package modules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FromResult reads a result in the seed's contract: a JSON-like object with
// `status`, `message`, and further keys as outputs. The status, in any
// case, is "success" or "ok" (or absent: a program that prints only its
// outputs), or "error", "failed", "failure" or "fail", which become an
// *Error with the message. Any other status fails the node too: a module
// that says "warning" or "cancelled" did not say it succeeded, and taking
// it for success would hide the message ("disk full") behind an exit 0.
func FromResult(result map[string]any) (*Output, error) {
	values := make(map[string]any, len(result))
	for k, v := range result {
		if k != "status" && k != "message" {
			values[k] = v
		}
	}
	msg := ""
	if m, ok := result["message"]; ok && m != nil {
		msg = fmt.Sprint(m)
	}
	status, given := result["status"]
	if !given {
		return &Output{Message: msg, Values: values}, nil
	}
	switch statusOf(status) {
	case statusSuccess:
		return &Output{Message: msg, Values: values}, nil
	case statusError:
		if msg == "" {
			msg = "module reported status " + status.(string)
		}
		return nil, &Error{Message: msg, Values: values}
	}
	return nil, &Error{Message: unknownStatus(status, msg), Values: values}
}

const (
	statusUnknown = iota
	statusSuccess
	statusError
)

// statusOf reads a result's status in any case.
func statusOf(status any) int {
	text, isString := status.(string)
	if !isString {
		return statusUnknown
	}
	switch strings.ToLower(text) {
	case "success", "ok":
		return statusSuccess
	case "error", "failure", "failed", "fail":
		return statusError
	}
	return statusUnknown
}

// StatusKnown reports whether result has no status or one FromResult
// knows: a program whose JSON output is data (an API's answer) can have
// another, which the exec module's message says how to keep.
func StatusKnown(result map[string]any) bool {
	status, given := result["status"]
	return !given || statusOf(status) != statusUnknown
}

// unknownStatus says why a status pipe does not know fails the node, and
// keeps the module's own message after it.
func unknownStatus(status any, msg string) string {
	var shown string
	switch s := status.(type) {
	case string:
		shown = strconv.Quote(s)
	case nil:
		shown = "null"
	case bool:
		shown = fmt.Sprintf("%v (a boolean)", s)
	default:
		shown = fmt.Sprintf("%v (a %s)", s, jsonKind(s))
	}
	text := "module reported status " + shown + `, which pipe does not know: return "success" or "error"`
	if msg != "" {
		text += "; its message: " + msg
	}
	return text
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case map[string]any:
		return "map"
	case int, int64, float64, json.Number:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// ParseResult finds a JSON object in a program's stdout: the whole output,
// or else its last non-empty line (programs often print progress first).
// The error is for an object found that pipe cannot keep as written (a
// *BigIntError): taking it for plain text would drop its outputs.
func ParseResult(stdout []byte) (map[string]any, bool, error) {
	trimmed := bytes.TrimSpace(stdout)
	if obj, ok, err := jsonObject(trimmed); ok || err != nil {
		return obj, ok, err
	}
	if i := bytes.LastIndexByte(trimmed, '\n'); i >= 0 {
		return jsonObject(bytes.TrimSpace(trimmed[i+1:]))
	}
	return nil, false, nil
}

func jsonObject(b []byte) (map[string]any, bool, error) {
	if len(b) < 2 || b[0] != '{' {
		return nil, false, nil
	}
	v, err := DecodeJSON(b)
	var big *BigIntError
	if errors.As(err, &big) {
		return nil, false, err
	}
	obj, ok := v.(map[string]any)
	return obj, err == nil && ok, nil
}

// PlainNumbers turns the json.Number values a decoder with UseNumber gives
// into int where whole and float64 otherwise, in place; the strings
// DecodeJSON put for non-finite numbers become those numbers again. A
// negative zero stays a float: an int has no sign to keep, and Go writes
// the float -0 as -0, which 1/x tells from 0.
func PlainNumbers(v any) any {
	switch x := v.(type) {
	case string:
		if f, ok := sentinelValue(x); ok {
			return f
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			if n == 0 && strings.HasPrefix(string(x), "-") {
				return math.Copysign(0, -1)
			}
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = PlainNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = PlainNumbers(x[k])
		}
	}
	return v
}
