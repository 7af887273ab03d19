package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// TestParamsE2E: a pipeline's config keys are flags after the file, typed
// by their defaults, with did-you-mean, exit 2 for usage errors, and
// listed by pipe run FILE --help.
func TestParamsE2E(t *testing.T) {
	const file = "testdata/good/params.yaml"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"typed flags", []string{"run", file, "--sports-model", "models/x.pth", "--epochs", "7", "--kelly-fraction=0.5", "--enable-dangerous-ai"}, 0,
			nil, []string{`message="model=models/x.pth epochs=7 kelly=0.5 label=goals output=plain dangerous=true"`}},
		{"bool =false, over --set", []string{"run", file, "--set", "ENABLE_DANGEROUS_AI=true", "--enable-dangerous-ai=false", "-s", "LABEL=x"}, 0,
			nil, []string{"label=x output=plain dangerous=false"}},
		{"pipe's flag wins; --set reaches the key", []string{"run", file, "--output", "quiet", "--set", "OUTPUT=json"}, 0,
			nil, []string{"output=json"}},
		{"dry run", []string{"run", file, "--dry-run", "--epochs", "2"}, 0, []string{"show  echo    run"}, nil},
		// Every pipeline has the gate, declared or not.
		{"the gate, undeclared, shut", []string{"run", "testdata/good/gate.yaml"}, 0,
			[]string{"gated  skipped"}, []string{`message="gate false"`}},
		{"the gate, undeclared, as a flag", []string{"run", "testdata/good/gate.yaml", "--enable-dangerous-ai"}, 0,
			[]string{"gated  success", "safe   skipped"}, nil},
		{"the gate, undeclared, in help", []string{"run", "testdata/good/gate.yaml", "--help"}, 0,
			[]string{"--enable-dangerous-ai  bool  default false  let dangerous modules run"}, nil},
		{"the seed's flags, literally", []string{"explain", "pipelines/predict.yaml", "--sports-model", "models/custom_sports.pth", "--betting-model", "models/custom_betting.pth", "--no-web"}, 0,
			[]string{"sports_predictor    sports_predictor    run"}, nil},
		{"did you mean", []string{"run", file, "--sport-model", "x"}, 2,
			nil, []string{"unknown flag --sport-model", "did you mean --sports-model?", "`pipe run " + file + " --help` lists both"}},
		{"not a number", []string{"explain", file, "--epochs", "many"}, 2, nil, []string{`config EPOCHS from --epochs: "many" is not a whole number`}},
		{"no value", []string{"run", file, "--sports-model"}, 2, nil, []string{"--sports-model needs a value"}},
		{"clash", []string{"explain", file, "--output", "x"}, 2, nil, []string{"--output is a flag of pipe run, not config OUTPUT: write --set OUTPUT=VALUE"}},
		{"pipe's flag won: say so", []string{"run", "testdata/good/ci.yaml", "--version", "0.2.0"}, 2, nil, []string{"unexpected argument 0.2.0", "--version is a flag of pipe, not config VERSION: write --set VERSION=VALUE"}},
		{"before the file", []string{"run", "--epochs", "3", file}, 2, nil, []string{"unknown flag --epochs", "flags after the file"}},
		{"file missing", []string{"run", "testdata/nope.yaml", "--epochs", "3"}, 1, nil, []string{"testdata/nope.yaml: no such file"}},
		{"help lists them", []string{"run", file, "--help"}, 0, []string{
			"Pipeline parameters of " + file,
			"--enable-dangerous-ai    bool    default false",
			`--sports-model=STRING    string  default "models/sports.json"  the model file to load or write`,
			"--epochs=INT             int     default 3                     how many passes over the data",
			"--kelly-fraction=NUMBER  number  default 0.25                  the share of the Kelly stake to bet",
			"--set OUTPUT=...",
			"(--output is a flag of pipe run)",
		}, nil},
		{"secret defaults in help", []string{"run", "testdata/good/secret_params.yaml", "--help"}, 0,
			[]string{"--db-pass=STRING", "--api-key=STRING", "string  default ***", "--n=INT", `string  default ""`}, nil},
		{"a secret's default in an error", []string{"run", "testdata/good/secret_params.yaml", "--db-pass"}, 2, nil, []string{"(config DB_PASS, default ***)"}},
		{"pipe help explain FILE", []string{"help", "explain", file}, 0, []string{"Pipeline parameters of " + file, "--epochs=INT"}, nil},
		{"help without a file", []string{"run", "--help"}, 0, []string{"pipe run FILE --help lists them"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if args[0] != "help" {
				args = append(args, "--runs-dir", t.TempDir())
			}
			r := pipe(t, args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			for _, secret := range []string{"hunter2", "s3cret-key"} { // secret_params.yaml's
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("a secret's default shows:\n%s%s", r.stdout, r.stderr)
				}
			}
		})
	}
}

// TestParamsRecordedE2E: the record says which flag set a key.
func TestParamsRecordedE2E(t *testing.T) {
	r := pipe(t, "run", "testdata/good/params.yaml", "--runs-dir", t.TempDir(), "--json", "--epochs", "9", "--set", "LABEL=y")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rec engine.Record
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"EPOCHS": "--epochs", "LABEL": "--set", "OUTPUT": "default"} {
		if got := rec.Config[key].From; got != want {
			t.Errorf("config %s from %q, want %q", key, got, want)
		}
	}
	if v, _ := rec.Config["EPOCHS"].Value.(float64); v != 9 {
		t.Errorf("EPOCHS = %v, want 9", rec.Config["EPOCHS"].Value)
	}
}
