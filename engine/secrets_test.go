package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
	"github.com/pipe-run/pipe/schema"
)

const token = "tok_SUPERSECRET_123"

// A secret's value never shows: not in messages, reasons, outputs in the
// record, the journal or log lines. Modules and expressions still get it.
func TestSecretsAreMasked(t *testing.T) {
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "chatty", Description: "logs and fails with its input",
		Inputs: []modules.Field{{Name: "say", Type: modules.String}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				in.Logger.Info("saying "+in.String("say"), "said", in.String("say"), "err", errors.New(in.String("say")))
				return nil, &modules.Error{Message: "failed with " + in.String("say"), Values: map[string]any{"said": in.String("say")}}
			})
		}})
	var logs, journal strings.Builder
	plan, err := engine.Parse("secret.yaml", []byte(`
name: secret
secrets: [DB_URL]
config:
  API_TOKEN: ""
  DB_URL: ""
  PLAIN: visible
nodes:
  a:
    module: echo
    with:
      t: ${{ config.API_TOKEN }}
      text: "token is ${{ config.API_TOKEN }} at ${{ config.DB_URL }}"
      list: ["${{ config.DB_URL }}", "${{ config.PLAIN }}"]
  uses:
    module: echo
    needs: a
    when: nodes.a.outputs.t == config.API_TOKEN
    with: {ok: yes}
  cast:
    module: echo
    when: int(config.API_TOKEN) > 0
  chatty:
    module: chatty
    with: {say: "${{ config.API_TOKEN }}"}
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(tm.reg)
	eng.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := map[string]any{"API_TOKEN": token, "DB_URL": "postgres://u:pw@db/x", "PLAIN": "visible"}
	rec, err := eng.Run(context.Background(), plan, engine.Options{Config: cfg, Journal: &journal})
	if err != nil {
		t.Fatal(err)
	}
	check(t, rec, engine.StatusError, map[string]want{
		"uses":   {engine.StatusSuccess, ""},
		"cast":   {engine.StatusError, ""},
		"chatty": {engine.StatusError, ""},
	})
	b, _ := json.Marshal(rec)
	for what, text := range map[string]string{"record": string(b), "journal": journal.String(), "log": logs.String()} {
		for _, secret := range []string{token, "postgres://u:pw@db/x"} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s shows the secret %q:\n%s", what, secret, text)
			}
		}
		if !strings.Contains(text, engine.Masked) {
			t.Errorf("the %s shows no %s:\n%s", what, engine.Masked, text)
		}
	}
	a := rec.Nodes["a"].Outputs
	if a["text"] != "token is *** at ***" || a["list"].([]any)[1] != "visible" {
		t.Errorf("outputs of a = %#v", a)
	}
}

// A secret that is a number, handed on whole (${{ config.PIN_KEY }} keeps
// its type), is masked where the run shows it as a string holding it
// would be: the record's inputs and outputs, the journal, log attributes.
// The next node still gets the number.
func TestNumericSecretsAreMasked(t *testing.T) {
	tm := newTestModules(t)
	var got any
	tm.reg.Register(modules.Info{Name: "take", Inputs: []modules.Field{{Name: "n", Type: modules.Any}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				got = in.With["n"]
				in.Logger.Info("took", "n", in.With["n"], "i", 48213, "f", 0.7315)
				return &modules.Output{}, nil
			})
		}})
	plan, err := engine.Parse("secret.yaml", []byte(`
name: secret
config: {PIN_KEY: 48213, RATE_SECRET: 0.7315, COUNT: 12}
nodes:
  b: {module: echo, with: {n: "${{ config.PIN_KEY }}", r: "${{ config.RATE_SECRET }}", both: ["${{ config.PIN_KEY }}", "${{ config.COUNT }}"]}}
  t: {module: take, needs: b, with: {n: "${{ nodes.b.outputs.n }}"}}
`), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	var logs, journal strings.Builder
	eng := engine.New(tm.reg)
	eng.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	rec, err := eng.Run(context.Background(), plan, engine.Options{Journal: &journal})
	if err != nil || rec.Status != engine.StatusSuccess {
		t.Fatalf("run: %v %v", err, rec.Status)
	}
	if got != 48213 {
		t.Errorf("the next node got %#v, want the number 48213", got)
	}
	b, _ := json.Marshal(rec)
	for what, text := range map[string]string{"record": string(b), "journal": journal.String(), "log": logs.String()} {
		for _, secret := range []string{"48213", "0.7315"} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s shows the secret %s:\n%s", what, secret, text)
			}
		}
	}
	if both := rec.Nodes["b"].Outputs["both"].([]any); both[0] != engine.Masked || both[1] != 12.0 && both[1] != 12 {
		t.Errorf("outputs.both = %#v, want [%s 12]", both, engine.Masked)
	}
}

func TestSecretKeys(t *testing.T) {
	p := &schema.Pipeline{Secrets: []schema.Ref{{ID: "DSN"}}}
	for key, want := range map[string]bool{
		"API_TOKEN": true, "github_token": true, "AWS_SECRET": true, "DB_PASSWORD": true, "OPENAI_API_KEY": true,
		"TOKEN": true, "DSN": true, "MONKEY": false, "TOKENS": false, "SPORTS_MODEL": false, "KEYBOARD": false,
	} {
		if got := p.IsSecret(key); got != want {
			t.Errorf("IsSecret(%s) = %v, want %v", key, got, want)
		}
	}
}

func TestSecretNotInConfigErrors(t *testing.T) {
	p, diags := schema.Parse("s.yaml", []byte("config: {API_KEY: 1}\nnodes: {a: {module: echo}}\n"))
	if diags != nil {
		t.Fatal(diags)
	}
	_, err := engine.ResolveConfig(p, engine.ConfigSources{Set: []string{"API_KEY=" + token}})
	if err == nil || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "API_KEY") {
		t.Errorf("error %v: want it to name API_KEY without its value", err)
	}
}

func TestSecretsMustBeConfigKeys(t *testing.T) {
	_, diags := schema.Parse("s.yaml", []byte("secrets: [API_TOKN]\nconfig: {API_TOKEN: x}\nnodes: {a: {module: echo}}\n"))
	if diags == nil || !strings.Contains(diags.Error(), `s.yaml:1:11: secret "API_TOKN" is not a config key`) {
		t.Errorf("error %v", diags)
	}
}

// A long value is cut in config errors, as in every other message.
func TestLongConfigValuesAreCut(t *testing.T) {
	p, diags := schema.Parse("c.yaml", []byte("config: {N: 1}\nnodes: {a: {module: echo}}\n"))
	if diags != nil {
		t.Fatal(diags)
	}
	long := strings.Repeat("9x", 50_000)
	for _, set := range []string{"N=" + long, "UNKNOWN" + long + "=1", long} {
		_, err := engine.ResolveConfig(p, engine.ConfigSources{Set: []string{set}})
		if err == nil || len(err.Error()) > 512 {
			t.Errorf("--set of %d bytes: error of %d bytes: %.200v", len(set), len(err.Error()), err)
		}
	}
}

// A secret of many lines (a PEM key) is masked line by line too: output is
// logged a line at a time, where the whole never shows.
func TestMultiLineSecretIsMaskedLineByLine(t *testing.T) {
	tm := newTestModules(t)
	var logged []string
	tm.reg.Register(modules.Info{Name: "lines", Description: "logs each line of its input",
		Inputs: []modules.Field{{Name: "say", Type: modules.String}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				logged = in.Secrets
				for line := range strings.Lines(in.String("say")) {
					in.Logger.Info(strings.TrimSpace(line))
				}
				return &modules.Output{}, nil
			})
		}})
	key := "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\r\nAQEFAASCBKcwggSjAgEAAoIB\n-----END KEY-----"
	plan, err := engine.Parse("k.yaml", []byte("config: {SSH_KEY: none}\nnodes:\n  a: {module: lines, with: {say: \"${{ config.SSH_KEY }}\"}}\n"), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	eng := engine.New(tm.reg)
	eng.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if _, err := eng.Run(context.Background(), plan, engine.Options{Config: map[string]any{"SSH_KEY": key}}); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"MIIEvQIBADANBgkqhkiG9w0B", "AQEFAASCBKcwggSjAgEAAoIB"} {
		if strings.Contains(logs.String(), part) {
			t.Errorf("the log shows %s:\n%s", part, logs.String())
		}
		if !slices.Contains(logged, part) {
			t.Errorf("Input.Secrets %q lacks the line %s", logged, part)
		}
	}
}
