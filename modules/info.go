package modules

import (
	"errors"
	"fmt"
	"strings"
)

// Type is the type of a module input or output.
type Type string

// The types inputs can declare.
const (
	String   Type = "string"
	Int      Type = "int"
	Number   Type = "number"
	Bool     Type = "bool"
	List     Type = "list"
	Map      Type = "map"
	Duration Type = "duration"
	Any      Type = "any"
)

// Field describes one input or output of a module.
type Field struct {
	Name        string
	Type        Type
	Description string
	Required    bool
	// Default is used when the input is not given; nil means none.
	Default any
	// Example shows a typical value in `pipe modules`.
	Example string
	// Enum lists the values a string input may take; nil allows any.
	Enum []string
	// Shell marks an input whose string value is a POSIX sh script (exec's
	// command). The engine quotes every ${{ }} inside it for sh, so that a
	// value is always data, never code; raw(...) splices text as it is.
	Shell bool
	// Files marks an input whose string value names files the module reads
	// (a path, a directory or a glob; a URL or a value that matches nothing
	// counts as text alone). A cached node's key holds their contents'
	// hashes, so that an edited data file is a cache miss.
	Files bool
	// Writes marks an input whose string value names one file the module
	// may write, and reads when it is there (a model it saves, or loads).
	// A cached node's key holds the file's content as the node finds it
	// (or that there is none), and its entry is stored under the content
	// the run leaves: the file the node just wrote is a hit the next time,
	// and a hit needs the file as the node left it (edited, replaced or
	// removed since, the node runs again). So the module must give the
	// same outputs, and write the same file, when it finds the file as it
	// left it.
	Writes bool
	// Rule, when set, checks a value beyond its type (kelly_fraction in
	// (0, 1], bankroll > 0): `pipe validate` applies it to a literal
	// value, at the input's line and column. Its error reads after
	// "input <name> of module <module>: ". See Positive and Between.
	Rule func(v any) error
	// Exists marks an input whose string value is a path that must name
	// an existing file or directory, relative to the base directory:
	// `pipe validate` checks a literal one (a URL is not checked).
	Exists bool
}

// KeyError is a Rule's error about one key of a mapping value: `pipe
// validate` places it at that key, with its hint (the field's description
// when it has none). A Rule returns several joined (errors.Join).
type KeyError struct {
	Key, Hint string
	Err       error
}

func (e *KeyError) Error() string { return e.Err.Error() }
func (e *KeyError) Unwrap() error { return e.Err }

// CheckValue reports whether v fits the field: its type, and for an
// enumerated string, one of its values.
func (f Field) CheckValue(v any) error {
	if f.Type == Any {
		return nil
	}
	if err := f.Type.Check(v); err != nil {
		return err
	}
	if s, ok := v.(string); ok && len(f.Enum) > 0 {
		for _, e := range f.Enum {
			if s == e {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", s, strings.Join(f.Enum, ", "))
	}
	return nil
}

// Info is everything the engine, `pipe validate` and `pipe modules` know
// about a module before running it.
type Info struct {
	Name        string
	Description string
	// Dangerous modules act on the world (spend, delete, send): they never
	// run while config.ENABLE_DANGEROUS_AI is false.
	Dangerous bool
	// Waits marks modules that spend their time waiting (timers, servers),
	// not computing: their nodes do not take a max_parallel slot.
	Waits bool
	// AnyInputs lets a node pass inputs the module does not declare (echo).
	AnyInputs bool
	// Version is the module's version for the node cache: change it when
	// the same inputs would now give other outputs, and every cached
	// result of the module is a miss. "" is a version too.
	Version string
	// Deterministic modules give the same outputs for the same inputs and
	// files (Field.Files): their nodes are cached without `cache: true`
	// (a node opts out with `cache: false`).
	Deterministic bool
	// ProgramEnv marks modules that hand Input.Env (the run's config and
	// the other keys of its .env files) to the programs they start
	// (exec, python): a program may read any of it, so a cached node's
	// key holds every value of it, not only what its expressions read.
	ProgramEnv bool
	// Effects marks modules that act on the world or serve it (place
	// orders, serve pages): their nodes are never cached, whatever the
	// node says (validate reports `cache: true` on one).
	Effects bool
	// Tags say what the module is (web for a server): a node of the
	// module carries them beside its own `tags`, for --tags, --skip-tags
	// and --no-web.
	Tags []string
	// Inspect, when set, says what a node's target declares about itself
	// before anything of it runs (a Python file that declares itself
	// dangerous), read statically from the node's inputs that hold no
	// ${{ }} (the others are absent), relative paths resolved against dir.
	// It must not run the target's code, and is called once per node when
	// the pipeline is compiled.
	Inspect func(with map[string]any, dir string) Identity
	Inputs  []Field
	// Outputs are what the module gives. When it declares any, and none
	// named "*" (which says: and whatever else the program returns),
	// `pipe validate` reports a read of any other output with a "did you
	// mean"; a module that declares none is not checked.
	Outputs []Field
	// New returns a fresh module for one node.
	New func() Module
}

// Identity is what a module's target declares about itself (see
// Info.Inspect).
type Identity struct {
	// Dangerous makes the node dangerous, as `dangerous: true` does; Why
	// says where the target declares it (file:line).
	Dangerous bool
	Why       string
}

// Input returns the declared input called name.
func (i *Info) Input(name string) (Field, bool) {
	for _, f := range i.Inputs {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// InputNames lists the declared inputs' names.
func (i *Info) InputNames() []string {
	names := make([]string, len(i.Inputs))
	for k, f := range i.Inputs {
		names[k] = f.Name
	}
	return names
}

// Check reports whether v, a plain YAML or JSON value, fits type t, and if
// not why.
// ErrNaN is the error of a Number input whose value is NaN: the engine
// fails its node before the module gets it (NaN compares false with
// every bound a Rule sets). Outputs, items and promises may hold NaN.
var ErrNaN = errors.New("want a number, not NaN")

func (t Type) Check(v any) error {
	ok := true
	switch t {
	case String:
		_, ok = v.(string)
	case Int:
		switch x := v.(type) {
		case int:
		case float64:
			ok = x == float64(int64(x))
		default:
			ok = false
		}
	case Number:
		switch v.(type) {
		case int, float64:
		default:
			ok = false
		}
	case Bool:
		_, ok = v.(bool)
	case List:
		_, ok = v.([]any)
	case Map:
		_, ok = v.(map[string]any)
	case Duration:
		s, isStr := v.(string)
		if !isStr {
			return fmt.Errorf("want a duration such as 30s or 5m, not %s", Describe(v))
		}
		d, err := ParseDuration(s)
		if err != nil {
			return err
		}
		if d < 0 { // no input waits, bounds or repeats for less than no time
			return fmt.Errorf("%q is negative: write a duration of 0s or more", s)
		}
	}
	if !ok {
		return fmt.Errorf("want %s, not %s", t.Article(), Describe(v))
	}
	return nil
}

// Article names t with its article: "a list", "an int".
func (t Type) Article() string {
	switch t {
	case Int:
		return "an int"
	case List:
		return "a list"
	case Map:
		return "a mapping"
	case Any:
		return "any value"
	}
	return "a " + string(t)
}

// Describe names the kind of a plain value: "a string", "a list", "null".
func Describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case int:
		return "an int"
	case float64:
		return "a number"
	case bool:
		return "a bool"
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}
