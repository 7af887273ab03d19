package engine_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// TestSecretNamesNoInstance: an instance's id shows in the terminal, log
// lines, log file names and the record, where a secret's value must not
// (and *** would not tell instances apart). When one key of a foreach
// would hold a secret, every instance is named by its index; keys that
// hold none stay the items.
func TestSecretNamesNoInstance(t *testing.T) {
	const secret = "S3cr3tPass"
	dir := t.TempDir()
	// A sub-pipeline fanning out over what its parent handed it under a
	// key that is no secret of its own: it is the parent's secret still.
	child := `
name: child
config: {PARAM: ""}
nodes:
  inner:
    module: echo
    foreach: "${{ [config.PARAM] }}"
    with: {said: "${{ item }}"}
`
	if err := os.WriteFile(filepath.Join(dir, "child.yaml"), []byte(child), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		nodes string
		cfg   map[string]any
		want  []string // the ids of the instances in the record, sorted
	}{
		{"a list holding the secret", `
  c:
    module: echo
    foreach: "${{ [config.DB_PASSWORD, 'plain'] }}"
    with: {said: "${{ item }}"}`, nil, []string{"c[0]", "c[1]"}},
		{"an item with the secret inside", `
  c:
    module: echo
    foreach: "${{ ['db-' + config.DB_PASSWORD] }}"
    with: {said: "${{ item }}"}`, nil, []string{"c[0]"}},
		{"a map keyed by the secret", `
  c:
    module: echo
    foreach: "${{ fromPairs([[config.DB_PASSWORD, 1], ['plain', 2]]) }}"
    with: {said: "${{ item_key }}"}`, nil, []string{"c[0]", "c[1]"}},
		{"a matrix value that is the secret", `
  c:
    module: echo
    matrix: {db: [` + secret + `, other], size: [1, 2]}
    with: {said: "${{ item.db }}"}`, nil, []string{"c[0]", "c[1]", "c[2]", "c[3]"}},
		{"a number that is the secret", `
  c:
    module: echo
    foreach: "${{ [config.PIN_KEY, 7] }}"
    with: {said: "${{ item }}"}`, map[string]any{"PIN_KEY": 48213}, []string{"c[0]", "c[1]"}},
		{"a sub-pipeline per secret", `
  c:
    module: pipeline
    foreach: "${{ [config.DB_PASSWORD] }}"
    with: {file: child.yaml, set: {PARAM: "${{ item }}"}}`, nil, []string{"c[0]", "c[0]/inner", "c[0]/inner[0]"}},
		{"no secret in the keys", `
  c:
    module: echo
    foreach: [england, spain]
    with: {said: "${{ item }}"}`, nil, []string{"c[england]", "c[spain]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "name: sec\nconfig: {DB_PASSWORD: changeme, PIN_KEY: 0}\nnodes:" + tc.nodes + "\n"
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			plan, err := engine.Load(file, modules.Default)
			if err != nil {
				t.Fatal(err)
			}
			cfg := map[string]any{"DB_PASSWORD": secret, "PIN_KEY": 0}
			for k, v := range tc.cfg {
				cfg[k] = v
			}
			var logs, journal strings.Builder
			eng := engine.New(modules.Default)
			eng.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			logDir := filepath.Join(t.TempDir(), "logs")
			rec, err := eng.Run(context.Background(), plan, engine.Options{Config: cfg, Journal: &journal, LogDir: logDir})
			if err != nil {
				t.Fatal(err)
			}
			if rec.Status != engine.StatusSuccess {
				t.Fatalf("run %s: %s", rec.Status, rec.Reason)
			}
			var got []string
			for id := range rec.Nodes {
				if strings.HasPrefix(id, "c[") {
					got = append(got, id)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("instances %q, want %q", got, tc.want)
			}
			var files []string
			filepath.WalkDir(logDir, func(path string, _ os.DirEntry, _ error) error {
				files = append(files, path)
				return nil
			})
			b, _ := json.Marshal(rec)
			secrets := []string{secret}
			if pin, ok := tc.cfg["PIN_KEY"]; ok {
				secrets = []string{modules.Text(pin)}
			}
			for what, text := range map[string]string{"record": string(b), "journal": journal.String(), "log": logs.String(), "log files": strings.Join(files, "\n")} {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("the %s shows the secret %q:\n%s", what, s, text)
					}
				}
			}
		})
	}
}

// Instances named by index for a secret keep their keys for item_key
// (the README's promise): a key holding a short secret by chance
// (england holds "land") gave item_key 0 and 1, and a program writing
// out_$KEY wrote out_0, the run a success.
func TestSecretIndexesKeepItemKey(t *testing.T) {
	src := `name: keys
config: {API_KEY: land}
nodes:
  c:
    module: echo
    foreach: [england, spain]
    with: {n: "${{ len(item_key) }}", is: "${{ item_key == item }}"}
  m:
    module: echo
    matrix: {league: [england], n: [1]}
    with: {n: "${{ len(item_key) }}"}
`
	tm := newTestModules(t)
	rec := tm.run(t, src, engine.Options{})
	for id, want := range map[string]any{"c[0]": 7, "c[1]": 5, "m[0]": 9} {
		n := rec.Nodes[id]
		if n == nil {
			t.Fatalf("no instance %s: %v", id, slices.Sorted(maps.Keys(rec.Nodes)))
		}
		if got := n.Outputs["n"]; got != want {
			t.Errorf("%s: len(item_key) = %v, want %v", id, got, want)
		}
	}
	if is := rec.Nodes["c[0]"].Outputs["is"]; is != true {
		t.Errorf("c[0]: item_key == item is %v, want true", is)
	}
}
