package engine_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

// scriptModules has a module like exec, whose `script` input is shell text,
// that gives back its inputs as they reached it.
func scriptModules(t *testing.T) *modules.Registry {
	t.Helper()
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "script", AnyInputs: true,
		Inputs: []modules.Field{{Name: "script", Type: modules.Any, Shell: true}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				return &modules.Output{Values: in.With}, nil
			})
		}})
	return reg
}

func TestShellInputsAreQuoted(t *testing.T) {
	reg := scriptModules(t)
	src := `name: q
config: {NAME: "it's; $(x)", N: 2}
nodes:
  s:
    module: script
    with:
      script: "echo ${{ config.NAME }} \"${{ config.NAME }}\" '${{ config.NAME }}' ${{ raw(config.NAME) }} ${{ ['a', config.N] }}"
      data: "echo ${{ config.NAME }} \"${{ config.NAME }}\" '${{ config.NAME }}' ${{ raw(config.NAME) }} ${{ ['a', config.N] }}"
  whole:
    module: script
    with: {script: "${{ config.NAME }}", data: "${{ raw(config.N) }}"}
  argv:
    module: script
    with: {script: ["sh", "-c", "echo ${{ config.NAME }}"]}
  list:
    module: script
    with: {script: "${{ ['echo', config.NAME] }}"}
`
	plan, err := engine.Parse("q.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"s": {
			"script": `echo 'it'\''s; $(x)' "it's; \$(x)" 'it'\''s; $(x)' it's; $(x) 'a' '2'`,
			"data":   `echo it's; $(x) "it's; $(x)" 'it's; $(x)' it's; $(x) ["a",2]`,
		},
		"whole": {"script": `'it'\''s; $(x)'`, "data": 2},
		"argv":  {"script": []any{"sh", "-c", "echo it's; $(x)"}},
		"list":  {"script": []any{"echo", "it's; $(x)"}},
	}
	for node, values := range want {
		for k, v := range values {
			if got := rec.Nodes[node].Outputs[k]; !reflect.DeepEqual(got, v) {
				t.Errorf("%s.%s = %#v\nwant      %#v", node, k, got, v)
			}
		}
	}
}

func TestShellDiagnostics(t *testing.T) {
	reg := scriptModules(t)
	tests := []struct {
		name     string
		script   string
		errors   []string
		warnings []string
	}{
		{"quoted", `echo ${{ config.X }}`, nil, nil},
		{"raw warns", `echo ${{ raw(config.X) }}`, nil, []string{"5:29: warning: raw() pastes ${{ raw(config.X) }} into the shell script of input script unquoted"}},
		{"raw inside", `echo ${{ raw(config.X) + 'a' }}`, []string{"5:30: raw() must be the whole ${{ }} in the shell script of input script"}, nil},
		{"comment", `echo # ${{ config.X }}`, []string{"5:31: cannot quote ${{ config.X }} in the shell script of input script: it is in a shell comment"}, nil},
		{"heredoc, raw allowed", `cat <<E\n${{ raw(config.X) }}\nE`, nil, []string{"warning: raw()"}},
		{"errors keep warnings", `${{ raw(config.X) }} ${{ config.Y }}`, []string{"unknown config key \"Y\""}, []string{"warning: raw()"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "name: d\nconfig: {X: x}\nnodes:\n  s:\n    with: {script: \"" + tt.script + "\"}\n    module: script\n"
			plan, err := engine.Parse("d.yaml", []byte(src), reg)
			var got schema.Diagnostics
			if err != nil {
				got = err.(schema.Diagnostics)
			} else {
				got = plan.Warnings
			}
			var errs, warns []string
			for _, d := range got {
				if d.IsWarning() {
					warns = append(warns, d.Error())
				} else {
					errs = append(errs, d.Error())
				}
			}
			if (err != nil) != (len(tt.errors) > 0) {
				t.Fatalf("err = %v, want errors %q", err, tt.errors)
			}
			matchAll(t, "errors", errs, tt.errors)
			matchAll(t, "warnings", warns, tt.warnings)
		})
	}
}

func matchAll(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s %q, want %q", what, got, want)
		return
	}
	for k := range got {
		if !strings.Contains(got[k], want[k]) {
			t.Errorf("%s %q, want %q", what, got, want)
		}
	}
}

// A secret written into a shell script is quoted there: its quoted forms
// are masked as the secret is, in the record's inputs and outputs.
func TestQuotedSecretsAreMasked(t *testing.T) {
	reg := scriptModules(t)
	src := `name: q
config: {DB_PASSWORD: ""}
nodes:
  s:
    module: script
    with:
      script: "true \"--password=${{ config.DB_PASSWORD }}\" ${{ config.DB_PASSWORD }} '${{ config.DB_PASSWORD }}'"
`
	plan, err := engine.Parse("q.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	const secret = `Tr0ub4dor&3$x"y'z`
	rec, err := engine.New(reg).Run(context.Background(), plan, engine.Options{Config: map[string]any{"DB_PASSWORD": secret}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := engine.EncodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "Tr0ub4dor") {
		t.Errorf("the record shows the secret, quoted:\n%s", data)
	}
	if got, want := rec.Nodes["s"].Inputs["script"], `true "--password=***" '***' '***'`; got != want {
		t.Errorf("script input %q, want %q", got, want)
	}
}

// An argv that runs a shell script ([sh, -c, SCRIPT]) gets its ${{ }}
// unquoted: validate warns, as for raw(); an argv of another program, or
// a shell's arguments after the script, are single words and safe.
func TestShellArgvWarns(t *testing.T) {
	reg := scriptModules(t)
	for script, warns := range map[string]bool{
		`[sh, -c, "echo ${{ config.X }}"]`:               true,
		`[/bin/bash, -c, "echo ${{ config.X }}"]`:        true,
		`[bash, -lc, "echo ${{ config.X }}"]`:            true,
		`[sh, -e, -c, "echo ${{ config.X }}"]`:           true,
		`[env, bash, -c, "echo ${{ config.X }}"]`:        true,
		`[echo, "${{ config.X }}"]`:                      false,
		`[sh, script.sh, "${{ config.X }}"]`:             false,
		`[]`:                                             false,
		`[sh, -c, "echo \"$1\"", sh, "${{ config.X }}"]`: false,
	} {
		src := "name: d\nconfig: {X: x}\nnodes:\n  s:\n    module: script\n    with: {script: " + script + "}\n"
		plan, err := engine.Parse("d.yaml", []byte(src), reg)
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		got := len(plan.Warnings) == 1 && strings.Contains(plan.Warnings[0].Error(), "gets ${{ }} values unquoted")
		if got != warns || len(plan.Warnings) > 1 {
			t.Errorf("%s: warnings %v, want a warning %v", script, plan.Warnings, warns)
		}
	}
}

// A ${{ }} in a key of an input's mapping is not evaluated: validate
// warns, since the key is then that text.
func TestExpressionInAKeyWarns(t *testing.T) {
	plan, err := engine.Parse("k.yaml", []byte("name: k\nconfig: {X: x}\nnodes:\n  a: {module: echo, with: {m: {\"${{ config.X }}\": 1, plain: \"${{ config.X }}\"}}}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0].Error(), "which is not evaluated") {
		t.Errorf("warnings %v, want one on the key", plan.Warnings)
	}
}
