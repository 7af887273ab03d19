package engine

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// This file holds how what a node ran with is cut for the record.

// The record says what a node ran with; it is not a copy of its data:
// texts over maxRecordedInput bytes and lists over maxRecordedItems items
// are cut, and say how long they were.
const (
	maxRecordedInput = 1 << 10
	maxRecordedItems = 20
)

// recordedInputs returns with, cut for the record; with itself when
// nothing needs cutting (the common case allocates nothing).
func recordedInputs(with map[string]any) map[string]any {
	if len(with) == 0 {
		return nil
	}
	if !needsCut(with) {
		return with
	}
	return cutValue(with).(map[string]any)
}

// maxRecordedDepth bounds how deeply a value nests in the record: JSON
// readers stop at 10,000 levels (encoding/json among them), the record's
// own take four, and a value that validates (schema.MaxDepth) or that a
// program printed could reach that, leaving a record nothing can read.
const maxRecordedDepth = 1000

// cutDeepMap is m with what nests past maxRecordedDepth replaced by a
// note; m itself when nothing does.
func cutDeepMap(m map[string]any) map[string]any {
	if m == nil || !deeperThan(m, maxRecordedDepth) {
		return m
	}
	out, _ := cutDeep(m, maxRecordedDepth).(map[string]any)
	return out
}

func deeperThan(v any, left int) bool {
	if left < 0 {
		return true
	}
	switch x := v.(type) {
	case []any:
		return slices.ContainsFunc(x, func(item any) bool { return deeperThan(item, left-1) })
	case map[string]any:
		for _, item := range x {
			if deeperThan(item, left-1) {
				return true
			}
		}
	}
	return false
}

func cutDeep(v any, left int) any {
	if left < 0 {
		return fmt.Sprintf("... (nested deeper than %d levels)", maxRecordedDepth)
	}
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = cutDeep(item, left-1)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = cutDeep(item, left-1)
		}
		return out
	}
	return v
}

func needsCut(v any) bool {
	switch x := v.(type) {
	case string:
		return len(x) > maxRecordedInput
	case []any:
		if len(x) > maxRecordedItems {
			return true
		}
		return slices.ContainsFunc(x, needsCut)
	case map[string]any:
		for _, item := range x {
			if needsCut(item) {
				return true
			}
		}
	default: // a list of another type, as expressions make ([]int of 1..100)
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
			return rv.Len() > maxRecordedItems
		}
	}
	return false
}

func cutValue(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > maxRecordedInput {
			return fmt.Sprintf("%s... (%d bytes)", strings.ToValidUTF8(x[:maxRecordedInput], ""), len(x))
		}
	case []any:
		n := min(len(x), maxRecordedItems)
		out := make([]any, n, n+1)
		for i := range n {
			out[i] = cutValue(x[i])
		}
		if len(x) > n {
			out = append(out, fmt.Sprintf("... (%d items)", len(x)))
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = cutValue(item)
		}
		return out
	default:
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.Len() > maxRecordedItems {
			out := make([]any, maxRecordedItems, maxRecordedItems+1)
			for i := range maxRecordedItems {
				out[i] = rv.Index(i).Interface()
			}
			return append(out, fmt.Sprintf("... (%d items)", rv.Len()))
		}
	}
	return v
}
