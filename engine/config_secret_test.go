package engine_test

import (
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A config value holding a secret (a connection string with the token in
// it) showed it whole in the record's config, and so in pipe show: it is
// masked there as in every output.
func TestRecordedConfigMasksSecretsInValues(t *testing.T) {
	src := `name: cs
config: {API_TOKEN: hunter2secret, X: "x", N: 1}
nodes:
  a: {module: echo, with: {message: hi}}
`
	tm := newTestModules(t)
	rec := tm.run(t, src, engine.Options{Config: map[string]any{"API_TOKEN": "hunter2secret", "X": "db://u:hunter2secret@h", "N": 1}})
	for key, want := range map[string]any{"API_TOKEN": engine.Masked, "X": "db://u:" + engine.Masked + "@h", "N": 1} {
		if got := rec.Config[key].Value; got != want {
			t.Errorf("config %s recorded as %v, want %v", key, got, want)
		}
	}
}
