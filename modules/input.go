package modules

import (
	"fmt"
	"maps"
	"time"
)

// The accessors below read inputs the engine has already checked against
// the module's declared types, and filled with defaults.

// String returns input key as a string ("" when absent).
func (in *Input) String(key string) string {
	s, _ := in.With[key].(string)
	return s
}

// Int returns input key as an int (0 when absent).
func (in *Input) Int(key string) int {
	switch x := in.With[key].(type) {
	case int:
		return x
	case float64:
		return int(x)
	}
	return 0
}

// Float returns input key as a float64 (0 when absent).
func (in *Input) Float(key string) float64 {
	switch x := in.With[key].(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// Bool returns input key as a bool (false when absent).
func (in *Input) Bool(key string) bool {
	b, _ := in.With[key].(bool)
	return b
}

// Duration returns input key parsed as a duration (0 when absent).
func (in *Input) Duration(key string) (time.Duration, error) {
	s, ok := in.With[key].(string)
	if !ok || s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("input %s: %q is not a duration", key, s)
	}
	return d, nil
}

// Strings returns input key as a list of strings: a list's items, or a
// single string as a one-item list.
func (in *Input) Strings(key string) ([]string, error) {
	switch x := in.With[key].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, len(x))
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				switch item.(type) {
				case int, float64, bool:
					s = fmt.Sprint(item)
				default:
					return nil, fmt.Errorf("input %s: item %d must be a string, not %T", key, i, item)
				}
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("input %s: want a list of strings, not %T", key, in.With[key])
}

// WithPaths returns in with its string inputs keys resolved as paths
// against the base directory (see Path), on a copy of With; in itself is
// not changed. "" and URLs stay as they are.
func (in *Input) WithPaths(keys ...string) *Input {
	if in.Dir == "" {
		return in
	}
	cp := *in
	cp.With = maps.Clone(in.With)
	for _, k := range keys {
		if s, ok := cp.With[k].(string); ok {
			cp.With[k] = in.Path(s)
		}
	}
	return &cp
}
