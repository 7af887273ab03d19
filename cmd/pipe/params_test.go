package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParamFlag(t *testing.T) {
	for key, want := range map[string]string{
		"SPORTS_MODEL":        "sports-model",
		"ENABLE_DANGEROUS_AI": "enable-dangerous-ai",
		"label":               "label",
		"Epochs2":             "epochs2",
		"_PRIVATE":            "",
		"A__B":                "",
		"TRAILING_":           "",
	} {
		if got := paramFlag(key); got != want {
			t.Errorf("paramFlag(%q) = %q, want %q", key, got, want)
		}
	}
}

// TestTakeParams reads command lines the way Main does before kong: the
// config keys of testdata/good/params.yaml after the file are parameters,
// everything else is left for kong.
func TestTakeParams(t *testing.T) {
	const file = "../../testdata/good/params.yaml"
	tests := []struct {
		name   string
		args   []string
		rest   []string // what kong gets
		params []string // KEY=VALUE from flags
		err    string
	}{
		{"no params: untouched", []string{"run", file, "--only", "show"}, []string{"run", file, "--only", "show"}, nil, ""},
		{"not run or explain", []string{"validate", file}, []string{"validate", file}, nil, ""},
		{"string, spaced", []string{"run", file, "--sports-model", "m.pth"}, []string{"run", file}, []string{"SPORTS_MODEL=m.pth"}, ""},
		{"string, =", []string{"run", file, "--sports-model=m.pth"}, []string{"run", file}, []string{"SPORTS_MODEL=m.pth"}, ""},
		{"bool alone", []string{"run", file, "--enable-dangerous-ai", "--json"}, []string{"run", file, "--json"}, []string{"ENABLE_DANGEROUS_AI=true"}, ""},
		{"bool =false", []string{"run", file, "--enable-dangerous-ai=false"}, []string{"run", file}, []string{"ENABLE_DANGEROUS_AI=false"}, ""},
		{"bool then false", []string{"run", file, "--enable-dangerous-ai", "false"}, []string{"run", file}, []string{"ENABLE_DANGEROUS_AI=false"}, ""},
		// What the = form takes, the spaced form takes: any bool word.
		{"bool then no", []string{"run", file, "--enable-dangerous-ai", "no"}, []string{"run", file}, []string{"ENABLE_DANGEROUS_AI=no"}, ""},
		{"bool then 0", []string{"run", file, "--enable-dangerous-ai", "0"}, []string{"run", file}, []string{"ENABLE_DANGEROUS_AI=0"}, ""},
		{"bool then OFF", []string{"explain", file, "--enable-dangerous-ai", "OFF"}, []string{"explain", file}, []string{"ENABLE_DANGEROUS_AI=OFF"}, ""},
		{"bool then Yes", []string{"run", file, "--enable-dangerous-ai", "Yes", "--json"}, []string{"run", file, "--json"}, []string{"ENABLE_DANGEROUS_AI=Yes"}, ""},
		{"negative number", []string{"explain", file, "--kelly-fraction", "-0.5"}, []string{"explain", file}, []string{"KELLY_FRACTION=-0.5"}, ""},
		{"mixed with pipe's flags", []string{"--debug", "run", file, "-s", "LABEL=x", "--epochs", "4", "--max-parallel", "2"}, []string{"--debug", "run", file, "-s", "LABEL=x", "--max-parallel", "2"}, []string{"EPOCHS=4"}, ""},
		{"pipe's flag value is not a param", []string{"run", file, "--set", "--epochs=1"}, []string{"run", file, "--set", "--epochs=1"}, nil, ""},
		{"before the file: kong's", []string{"run", "--epochs", "4", file}, []string{"run", "--epochs", "4", file}, nil, ""},
		{"did you mean", []string{"run", file, "--sport-model", "x"}, nil, nil, "unknown flag --sport-model: neither pipe run nor the config of " + file + " has it (did you mean --sports-model?)"},
		{"did you mean pipe's", []string{"run", file, "--max-paralel", "2"}, nil, nil, "(did you mean --max-parallel?)"},
		{"needs a value", []string{"run", file, "--epochs"}, nil, nil, "--epochs needs a value"},
		{"needs a value, flag next", []string{"run", file, "--epochs", "--json"}, nil, nil, "--epochs needs a value"},
		{"clash on explain", []string{"explain", file, "--output", "x"}, nil, nil, "--output is a flag of pipe run, not config OUTPUT: write --set OUTPUT=VALUE"},
		{"unreadable file: taken out", []string{"run", "missing.yaml", "--epochs", "4"}, []string{"run", "missing.yaml"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c cli
			var pa *pipelineArgs
			parser, err := newParser(&c, io.Discard, io.Discard, &pa)
			if err != nil {
				t.Fatal(err)
			}
			rest, pa, err := takeParams(parser.Model, tt.args, nil)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rest, tt.rest) {
				t.Errorf("kong gets %q, want %q", rest, tt.rest)
			}
			var got []string
			if pa != nil {
				for _, p := range pa.params {
					got = append(got, p.key+"="+p.value)
				}
			}
			if !slices.Equal(got, tt.params) {
				t.Errorf("params %q, want %q", got, tt.params)
			}
		})
	}
}
