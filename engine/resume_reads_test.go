package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// registerScript adds "script", a module that does not cache and reads
// the file its path input names (modules.Field.Files), as python does.
func registerScript(reg *modules.Registry) {
	reg.Register(modules.Info{Name: "script", Inputs: []modules.Field{{Name: "path", Type: modules.String, Files: true}},
		New: func() modules.Module {
			return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
				b, err := os.ReadFile(in.String("path"))
				return &modules.Output{Values: map[string]any{"v": string(b)}}, err
			})
		}})
}

// A resumed run runs again a node whose inputs would now differ though
// its definition and the config values the record shows did not: a
// secret's value changed from the same source, a file its module reads
// or its files: list changed. An instance whose item is the same is kept
// when the config key that made the item list changed, unless it reads
// that key itself.
func TestResumeRunsAgainWhatReadsAChangedSecretOrFile(t *testing.T) {
	// Each node's reason: kept, ran (none: a node new in it), or else
	// not kept, for a reason that begins so.
	const kept, ran = "kept", "ran"
	notKept := func(why string) string { return why }
	const src = `name: p
config: {API_TOKEN: abc, L: "a,b"}
nodes:
  tok: {module: echo, cache: false, with: {n: "${{ len(config.API_TOKEN) }}"}}
  prog: {module: prog, with: {x: 1}}
  plain: {module: echo, cache: false, with: {x: 1}}
  script: {module: script, with: {path: SCRIPT}}
  listed: {module: echo, cache: false, files: [DATA], with: {x: 1}}
  w: {module: echo, cache: false, foreach: '${{ split(config.L, ",") }}', with: {it: "${{ item }}"}}
  wl: {module: echo, cache: false, foreach: '${{ split(config.L, ",") }}', with: {it: "${{ item }}", l: "${{ config.L }}"}}
`
	for _, tt := range []struct {
		name   string
		config map[string]any // the second run's, over the defaults
		files  map[string]string
		want   map[string]string
	}{
		{name: "nothing changed",
			want: map[string]string{"tok": kept, "prog": kept, "plain": kept, "script": kept, "listed": kept, "w[a]": kept, "wl[b]": kept}},
		{name: "a secret's value, from the same source", config: map[string]any{"API_TOKEN": "abcdefgh"},
			want: map[string]string{"tok": notKept("what it reads changed: secret API_TOKEN (its value changed)"),
				"prog": notKept("its program's environment changed: secret API_TOKEN (its value changed)"), "plain": kept, "script": kept, "w[a]": kept}},
		{name: "the script its module reads", files: map[string]string{"s.py": "v = 2"},
			want: map[string]string{"script": notKept("its file "), "plain": kept, "listed": kept, "prog": kept}},
		{name: "a file its files: list", files: map[string]string{"data.txt": "two"},
			want: map[string]string{"listed": notKept("its file "), "script": kept, "plain": kept}},
		{name: "the config key the items come from", config: map[string]any{"L": "a,b,c"},
			want: map[string]string{"w[a]": kept, "w[b]": kept, "w[c]": ran, "wl[a]": notKept("what it reads changed: config L (a,b,c, was a,b)"),
				"prog": notKept("its program's environment changed: config L"), "plain": kept, "tok": kept}},
		{name: "an item moved", config: map[string]any{"L": "b,a"},
			want: map[string]string{"w[a]": notKept("what it reads changed: config L"), "w[b]": notKept("what it reads changed: config L"), "plain": kept}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tm := newTestModules(t)
			registerProgram(tm.reg)
			registerScript(tm.reg)
			dir := t.TempDir()
			write := func(files map[string]string) {
				for name, text := range files {
					if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			write(map[string]string{"s.py": "v = 1", "data.txt": "one"})
			text := strings.NewReplacer("SCRIPT", filepath.Join(dir, "s.py"), "DATA", filepath.Join(dir, "data.txt")).Replace(src)
			plan, run := planRunner(t, tm.reg, text)
			rec := run(engine.Options{RunID: "r0", DigestKey: testDigestKey})
			check(t, rec, engine.StatusSuccess, nil)
			back, keep := resumeRecord(t, rec)
			write(tt.files)
			config := map[string]any{}
			for _, c := range plan.Pipeline.Config {
				config[c.Key] = c.Value
			}
			for k, v := range tt.config {
				config[k] = v
			}
			opts := engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config, KeptRun: back.Resume, Config: config, DigestKey: testDigestKey}
			wantResumed(t, run(opts), tt.want)
		})
	}
}

// wantResumed checks the reasons of a run resumed from run r0 (see
// TestResumeRunsAgainWhatReadsAChangedSecretOrFile): every node named
// succeeded, kept, ran anew, or ran again for a reason that begins as
// given.
func wantResumed(t *testing.T, rec *engine.Record, want map[string]string) {
	t.Helper()
	for id, w := range want {
		n := rec.Nodes[id]
		if n == nil {
			t.Errorf("node %s missing from the record", id)
			continue
		}
		var ok bool
		switch w {
		case "kept":
			ok = n.Reason == engine.KeptPrefix+"r0"
		case "ran":
			ok = n.Reason == ""
		default:
			ok = strings.HasPrefix(n.Reason, engine.NotKeptPrefix+"r0: "+w)
		}
		if !ok || n.Status != engine.StatusSuccess {
			t.Errorf("node %s: %s, reason %q; want success, %s", id, n.Status, n.Reason, w)
		}
	}
}

// A file a secret names is recorded under its name masked (resume.files
// held "file:.../hunter2-script.py" in the clear beside inputs.path
// "***"), and a resumed run still tells it unchanged, or changed.
func TestResumeFilesNamedBySecrets(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "hunter2-script.py")
	if err := os.WriteFile(script, []byte("v = 1"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := newTestModules(t)
	registerScript(tm.reg)
	_, run := planRunner(t, tm.reg, "name: p\nconfig: {SCRIPT_TOKEN: "+script+"}\nnodes:\n  script: {module: script, with: {path: '${{ config.SCRIPT_TOKEN }}'}}\n")
	rec := run(engine.Options{RunID: "r0"})
	check(t, rec, engine.StatusSuccess, nil)
	path, err := engine.WriteRecord(t.TempDir(), rec)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "hunter2") {
		t.Errorf("the record holds the secret:\n%s", data)
	}
	back, keep := resumeRecord(t, rec)
	resume := engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config, KeptRun: back.Resume}
	wantResumed(t, run(resume), map[string]string{"script": "kept"})
	if err := os.WriteFile(script, []byte("v = 2"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantResumed(t, run(resume), map[string]string{"script": "its file "})
}

// A node that reads a data file and saves a model (modules.Field.Writes)
// is kept by the run that resumes the one that saved it: its model was
// recorded as the node found it (none), so it was always "new" and the
// fit ran again at every resume.
func TestResumeKeepsTheModelANodeSaved(t *testing.T) {
	dir := t.TempDir()
	data, model := filepath.Join(dir, "data.csv"), filepath.Join(dir, "model.json")
	if err := os.WriteFile(data, []byte("a,b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := newTestModules(t)
	tm.reg.Register(modules.Info{Name: "fitter", Inputs: []modules.Field{
		{Name: "data", Type: modules.String, Files: true},
		{Name: "model", Type: modules.String, Writes: true},
	}, New: func() modules.Module {
		return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
			if _, err := os.Stat(in.String("model")); err == nil {
				return &modules.Output{Message: "loaded"}, nil
			}
			return &modules.Output{Message: "fitted"}, os.WriteFile(in.String("model"), []byte(`{"k": 1}`), 0o644)
		})
	}})
	src := "name: p\nnodes:\n  fit: {module: fitter, with: {data: " + data + ", model: " + model + "}}\n  after: {module: fail, needs: fit}\n"
	plan, err := engine.Parse("p.yaml", []byte(src), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{RunID: "r0"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Nodes["fit"].Status != engine.StatusSuccess || rec.Nodes["after"].Status != engine.StatusError {
		t.Fatalf("first run: fit %s, after %s", rec.Nodes["fit"].Status, rec.Nodes["after"].Status)
	}
	back, keep := resumeRecord(t, rec)
	rec, err = engine.New(tm.reg).Run(context.Background(), plan, engine.Options{Keep: keep, KeptFrom: "r0", KeptConfig: back.Config, KeptRun: back.Resume})
	if err != nil {
		t.Fatal(err)
	}
	wantResumed(t, rec, map[string]string{"fit": "kept"})
}

// testDigestKey keys the digests of secrets in these tests' records.
var testDigestKey = []byte("0123456789abcdef0123456789abcdef")

// A record's digest of a secret is keyed: the plain SHA-256 of a short
// secret is found by trying values. Without a key the record holds none.
func TestSecretDigestsAreKeyed(t *testing.T) {
	tm := newTestModules(t)
	plan, err := engine.Parse("p.yaml", []byte("name: p\nconfig: {DB_PASSWORD: hunter2}\nnodes:\n  a: {module: echo}\n"), tm.reg)
	if err != nil {
		t.Fatal(err)
	}
	plain := cachestoreDigest(`"hunter2"`)
	for _, key := range [][]byte{nil, testDigestKey} {
		rec, err := engine.New(tm.reg).Run(context.Background(), plan, engine.Options{DigestKey: key})
		if err != nil {
			t.Fatal(err)
		}
		d := ""
		if rec.Resume != nil {
			d = rec.Resume.Secrets["DB_PASSWORD"]
		}
		switch {
		case key == nil && d != "":
			t.Errorf("without a key the record holds a digest of the secret: %s", d)
		case key != nil && (d == "" || strings.Contains(d, plain)):
			t.Errorf("with a key the digest is %q (the plain one is %s)", d, plain)
		}
	}
}

func cachestoreDigest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// planRunner parses src with reg and returns its plan and a func that runs
// it with the options given, failing the test if the run cannot start.
func planRunner(t *testing.T, reg *modules.Registry, src string) (*engine.Plan, func(engine.Options) *engine.Record) {
	t.Helper()
	plan, err := engine.Parse("p.yaml", []byte(src), reg)
	if err != nil {
		t.Fatal(err)
	}
	return plan, func(opts engine.Options) *engine.Record {
		t.Helper()
		rec, err := engine.New(reg).Run(context.Background(), plan, opts)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
}
