package modules

import (
	"fmt"
	"maps"
	"strings"
	"time"
)

// The accessors below read inputs the engine has already checked against
// the module's declared types, and filled with defaults. They read only
// inputs the module declares: a name its Info does not declare is a typo
// in the module's code that would otherwise read "" or 0 quietly, so they
// panic with an *UndeclaredInputError, which the engine turns into a
// failed node with that message. A panic, not an error: the name is
// fixed in the code, never the user's, so a test of the module finds it
// at once, and call sites stay one expression (in.Float("bankroll")).
// Data a module takes beyond its declared inputs (AnyInputs) is read
// from With.

// UndeclaredInputError is the panic of an accessor asked for an input
// the module does not declare.
type UndeclaredInputError struct {
	Module, Name string
	// Declared are the names the module declares.
	Declared []string
}

func (e *UndeclaredInputError) Error() string {
	return fmt.Sprintf("module %s reads input %q, which it does not declare (it declares: %s): a bug in the module; declare the input in its Info, or fix the name",
		e.Module, e.Name, strings.Join(e.Declared, ", "))
}

// get returns input key, after checking that the module declares it.
func (in *Input) get(key string) any {
	if in.Spec != nil {
		if _, ok := in.Spec.Input(key); !ok {
			panic(&UndeclaredInputError{Module: in.Spec.Name, Name: key, Declared: in.Spec.InputNames()})
		}
	}
	return in.With[key]
}

// String returns input key as a string ("" when absent).
func (in *Input) String(key string) string {
	s, _ := in.get(key).(string)
	return s
}

// Int returns input key as an int (0 when absent).
func (in *Input) Int(key string) int {
	switch x := in.get(key).(type) {
	case int:
		return x
	case float64:
		return int(x)
	}
	return 0
}

// Float returns input key as a float64 (0 when absent).
func (in *Input) Float(key string) float64 {
	switch x := in.get(key).(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// Bool returns input key as a bool (false when absent).
func (in *Input) Bool(key string) bool {
	b, _ := in.get(key).(bool)
	return b
}

// Duration returns input key parsed as a duration (0 when absent).
func (in *Input) Duration(key string) (time.Duration, error) {
	s, ok := in.get(key).(string)
	if !ok || s == "" {
		return 0, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("input %s: %w", key, err)
	}
	return d, nil
}

// Strings returns input key as a list of strings: a list's items, or a
// single string as a one-item list.
func (in *Input) Strings(key string) ([]string, error) {
	switch x := in.get(key).(type) {
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
					s = Text(item)
				default:
					return nil, fmt.Errorf("input %s: item %d must be a string, not %s", key, i, Describe(item))
				}
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("input %s: want a list of strings, not %s", key, Describe(in.get(key)))
}

// WithPaths returns in with its string inputs keys resolved as paths
// against the base directory (see Path), on a copy of With; in itself is
// not changed. "" and URLs stay as they are.
func (in *Input) WithPaths(keys ...string) *Input {
	for _, k := range keys {
		in.get(k) // a typo panics whatever the base directory
	}
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

// ConfigKey names the config key (or .env key) whose value is v, when
// exactly one is: the key a user set to give an input v (DATA, for
// `data: ${{ config.DATA }}`), for a message to name. "" when none or
// several hold v, or v is "". It reads Env, the config as programs get it.
func (in *Input) ConfigKey(v string) string {
	if v == "" {
		return ""
	}
	found := ""
	for _, kv := range in.Env {
		k, val, ok := strings.Cut(kv, "=")
		if !ok || val != v || k == found {
			continue
		}
		if found != "" {
			return ""
		}
		found = k
	}
	return found
}
