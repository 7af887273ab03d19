package modules_test

import (
	"errors"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// TestAccessorsPanicOnUndeclaredInputs checks that every accessor reads
// only the inputs the module declares: a typo panics with an
// *UndeclaredInputError rather than reading "" or 0.
func TestAccessorsPanicOnUndeclaredInputs(t *testing.T) {
	spec := &modules.Info{Name: "m", Inputs: []modules.Field{
		{Name: "label", Type: modules.String}, {Name: "n", Type: modules.Int}, {Name: "x", Type: modules.Number},
		{Name: "ok", Type: modules.Bool}, {Name: "wait", Type: modules.Duration}, {Name: "names", Type: modules.List},
	}}
	with := map[string]any{"label": "a", "n": 2, "x": 0.5, "ok": true, "wait": "1s", "names": []any{"a"}}
	reads := map[string]func(in *modules.Input, key string){
		"String":    func(in *modules.Input, key string) { in.String(key) },
		"Int":       func(in *modules.Input, key string) { in.Int(key) },
		"Float":     func(in *modules.Input, key string) { in.Float(key) },
		"Bool":      func(in *modules.Input, key string) { in.Bool(key) },
		"Duration":  func(in *modules.Input, key string) { _, _ = in.Duration(key) },
		"Strings":   func(in *modules.Input, key string) { _, _ = in.Strings(key) },
		"WithPaths": func(in *modules.Input, key string) { in.WithPaths(key) },
	}
	declared := map[string]string{"String": "label", "Int": "n", "Float": "x", "Bool": "ok", "Duration": "wait", "Strings": "names", "WithPaths": "label"}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			in := &modules.Input{With: with, Spec: spec}
			if p := panicOf(func() { read(in, declared[name]) }); p != nil {
				t.Errorf("%s(%q) of a declared input panicked: %v", name, declared[name], p)
			}
			p := panicOf(func() { read(in, "lable") })
			err, ok := p.(error)
			var ue *modules.UndeclaredInputError
			if !ok || !errors.As(err, &ue) || ue.Name != "lable" || ue.Module != "m" {
				t.Fatalf("%s(\"lable\") panicked with %v, want an *UndeclaredInputError", name, p)
			}
			if want := `module m reads input "lable", which it does not declare (it declares: label, n, x, ok, wait, names)`; err.Error()[:len(want)] != want {
				t.Errorf("message %q, want it to start %q", err.Error(), want)
			}
			// Without a spec (a module's own unit test), nothing is checked.
			if p := panicOf(func() { read(&modules.Input{With: with}, "lable") }); p != nil {
				t.Errorf("without a spec, %s panicked: %v", name, p)
			}
		})
	}
}

func panicOf(f func()) (p any) {
	defer func() { p = recover() }()
	f()
	return nil
}

func TestConfigKey(t *testing.T) {
	env := []string{"DATA=results/e0.csv", "MODEL=m.json", "ODDS=m.json", "EMPTY=", "DATA=results/e0.csv"}
	for v, want := range map[string]string{
		"results/e0.csv": "DATA", // a key given twice (.env and config) is one key
		"m.json":         "",     // two keys hold it: which set the input is not known
		"":               "",
		"other.csv":      "",
	} {
		if got := (&modules.Input{Env: env}).ConfigKey(v); got != want {
			t.Errorf("ConfigKey(%q) = %q, want %q", v, got, want)
		}
	}
}
