package engine_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// resumeFrom writes rec as pipe run does, reads it back and returns what
// pipe run --resume keeps of it: the record, not the run in memory, is
// what a resumed run has.
func resumeFrom(t *testing.T, rec *engine.Record) map[string]engine.Kept {
	t.Helper()
	path, err := engine.WriteRecord(t.TempDir(), rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]engine.Kept{}
	for id, n := range back.Nodes {
		if n.Status == engine.StatusSuccess {
			keep[id] = engine.KeepRecord(n)
		}
	}
	return keep
}

// seen is a module that remembers the inputs each node got.
type seen struct {
	mu   sync.Mutex
	with map[string]map[string]any
}

func (s *seen) register(reg *modules.Registry) {
	reg.Register(modules.Info{Name: "seen", AnyInputs: true, New: func() modules.Module {
		return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.with == nil {
				s.with = map[string]map[string]any{}
			}
			s.with[in.Node] = in.With
			if in.With["fail"] == true {
				return nil, &modules.Error{Message: "not yet"}
			}
			return &modules.Output{}, nil
		})
	}})
}

func (s *seen) got(node string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.with[node]
}

// A resumed run gives the nodes below a kept node the numbers it gave,
// NaN, infinities and -0 among them, though the record holds the first
// three as text: not strings that `when` cannot compare.
func TestResumeGivesBackSpecialFloats(t *testing.T) {
	tm := newTestModules(t)
	var s seen
	s.register(tm.reg)
	tm.reg.Register(modules.Info{Name: "metrics", New: func() modules.Module {
		return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
			return &modules.Output{Values: map[string]any{
				"score": math.Inf(1), "loss": math.NaN(), "zero": math.Copysign(0, -1), "fine": 0.5,
				"text": "NaN", // a string, and stays one
				"deep": map[string]any{"a/b~c": []any{1, math.Inf(-1)}},
			}}, nil
		})
	}})
	src := func(fail bool) string {
		f := "false"
		if fail {
			f = "true"
		}
		return `
nodes:
  fit: {module: metrics}
  use:
    module: seen
    needs: fit
    when: nodes.fit.outputs.score > 0.5 && nodes.fit.outputs.deep["a/b~c"][1] < 0
    with:
      fail: ` + f + `
      score: ${{ nodes.fit.outputs.score }}
      loss: ${{ nodes.fit.outputs.loss }}
      zero: ${{ nodes.fit.outputs.zero }}
      text: ${{ nodes.fit.outputs.text }}
      inv: ${{ 1 / nodes.fit.outputs.zero }}
`
	}
	first := tm.run(t, src(true), engine.Options{RunID: "r0"})
	check(t, first, engine.StatusError, map[string]want{"use": {engine.StatusError, ""}})
	// Readers of the record still see the text JSON can hold.
	if out := first.Nodes["fit"].Outputs; out["score"] != "Infinity" || out["loss"] != "NaN" {
		t.Errorf("recorded outputs %v", out)
	}
	keep := resumeFrom(t, first)
	rec := tm.run(t, src(false), engine.Options{Keep: keep, KeptFrom: "r0"})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"fit": {engine.StatusSuccess, "kept from run r0"},
		"use": {engine.StatusSuccess, ""},
	})
	w := s.got("use")
	score, _ := w["score"].(float64)
	loss, _ := w["loss"].(float64)
	zero, _ := w["zero"].(float64)
	inv, _ := w["inv"].(float64)
	if !math.IsInf(score, 1) || !math.IsNaN(loss) || zero != 0 || !math.Signbit(zero) || !math.IsInf(inv, -1) || w["text"] != "NaN" {
		t.Errorf("use got %#v, want +Inf, NaN, -0, -Inf and the text NaN", w)
	}
	// The resumed run's record marks them too: a resume of it gives them back.
	if r := rec.Nodes["fit"].Resume; r == nil || strings.Join(r.SpecialFloats, " ") != "/deep/a~1b~0c/1 /loss /score /zero" {
		t.Errorf("resume %+v", r)
	}
	if k := resumeFrom(t, rec)["fit"]; k.NotRestorable != "" || !isNaN(k.Outputs["loss"]) {
		t.Errorf("kept again: %+v", k)
	}
}

// A record whose special_floats do not point at such values does not
// keep the node: it runs again.
func TestKeepRecordRefusesBadSpecialFloats(t *testing.T) {
	for _, ptr := range []string{"/x", "/nope", "x", "/l/01", "/l/9", "/s/t"} {
		k := engine.KeepRecord(&engine.NodeRecord{Status: engine.StatusSuccess,
			Outputs: map[string]any{"x": "text", "l": []any{"NaN", "NaN"}, "s": "NaN"}, Resume: &engine.ResumeInfo{SpecialFloats: []string{ptr}}})
		if k.NotRestorable == "" {
			t.Errorf("%s: kept %v", ptr, k.Outputs)
		}
	}
	n := &engine.NodeRecord{Outputs: map[string]any{"l": []any{"NaN", 0}}, Resume: &engine.ResumeInfo{SpecialFloats: []string{"/l/0", "/l/1"}}}
	k := engine.KeepRecord(n)
	l, _ := k.Outputs["l"].([]any)
	if z, _ := l[1].(float64); !isNaN(l[0]) || !math.Signbit(z) || n.Outputs["l"].([]any)[0] != "NaN" {
		t.Errorf("kept %v, record now %v", k.Outputs, n.Outputs)
	}
}

// Outputs in a record past the limit a module's outputs have (a record
// edited by hand) are not handed on: the node runs again, and the new
// record does not copy them.
func TestKeepRecordRefusesOutputsPastTheLimit(t *testing.T) {
	big := strings.Repeat("x", modules.MaxValueBytes+1)
	k := engine.KeepRecord(&engine.NodeRecord{Status: engine.StatusSuccess, Outputs: map[string]any{"blob": big}})
	if k.Outputs != nil || !strings.Contains(k.NotRestorable, "over the 4 MiB limit") {
		t.Errorf("kept %d output(s), not restorable %q", len(k.Outputs), k.NotRestorable)
	}
	if k := engine.KeepRecord(&engine.NodeRecord{Status: engine.StatusSuccess, Outputs: map[string]any{"blob": big[:1000]}}); k.NotRestorable != "" {
		t.Errorf("small outputs not kept: %s", k.NotRestorable)
	}
}

// A node whose outputs held a secret is recorded with *** there: a
// resumed run runs it again, and the nodes below get the real value, not
// ***. Neither record holds the secret.
func TestResumeRunsAgainANodeWhoseOutputsWereMasked(t *testing.T) {
	tm := newTestModules(t)
	var s seen
	s.register(tm.reg)
	var calls atomic.Int32
	tm.reg.Register(modules.Info{Name: "dsn", Inputs: []modules.Field{{Name: "key", Type: modules.String}}, New: func() modules.Module {
		return moduleFunc(func(_ context.Context, in *modules.Input) (*modules.Output, error) {
			calls.Add(1)
			return &modules.Output{Values: map[string]any{"dsn": "postgres://u:" + in.String("key") + "@db/x"}}, nil
		})
	}})
	tm.reg.Register(modules.Info{Name: "plain", New: func() modules.Module {
		return moduleFunc(func(context.Context, *modules.Input) (*modules.Output, error) {
			return &modules.Output{Values: map[string]any{"n": 1}}, nil
		})
	}})
	src := func(fail string) string {
		return `
config: {API_KEY: keykeykey123}
nodes:
  a: {module: dsn, with: {key: "${{ config.API_KEY }}"}}
  p: {module: plain}
  b: {module: seen, needs: [a, p], with: {fail: ` + fail + `, dsn: "${{ nodes.a.outputs.dsn }}"}}
`
	}
	first := tm.run(t, src("true"), engine.Options{RunID: "r0"})
	if n := first.Nodes["a"]; n.Resume == nil || !n.Resume.OutputsMasked || n.Outputs["dsn"] != "postgres://u:***@db/x" {
		t.Fatalf("first record of a: %+v", n)
	}
	keep := resumeFrom(t, first)
	rec := tm.run(t, src("false"), engine.Options{Keep: keep, KeptFrom: "r0"})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"a": {engine.StatusSuccess, engine.NotKeptPrefix + "r0: its outputs held a secret"},
		"p": {engine.StatusSuccess, "kept from run r0"},
		"b": {engine.StatusSuccess, ""},
	})
	if calls.Load() != 2 {
		t.Errorf("a ran %d times, want 2", calls.Load())
	}
	if got := s.got("b")["dsn"]; got != "postgres://u:keykeykey123@db/x" {
		t.Errorf("b got %v", got)
	}
	for _, r := range []*engine.Record{first, rec} {
		data, err := engine.EncodeRecord(r)
		if err != nil || strings.Contains(string(data), "keykeykey123") {
			t.Errorf("a record holds the secret (%v):\n%s", err, data)
		}
	}
}

// A kept node that caches runs again when what it reads changed since
// (here a file of its files:), as its cache key says, and is kept while
// it did not.
func TestResumeRunsAgainACachedNodeWhoseFilesChanged(t *testing.T) {
	tm := newTestModules(t)
	var s seen
	s.register(tm.reg)
	dir := t.TempDir()
	data := filepath.Join(dir, "data.txt")
	os.WriteFile(data, []byte("v1"), 0o644)
	src := func(fail string) string {
		return `
nodes:
  a: {module: echo, cache: true, files: [data.txt], with: {x: 1}}
  b: {module: seen, needs: a, with: {fail: ` + fail + `}}
`
	}
	run := func(src string, opts engine.Options) *engine.Record {
		t.Helper()
		file := filepath.Join(dir, "p.yaml")
		os.WriteFile(file, []byte(src), 0o644)
		plan, err := engine.LoadWith(file, tm.reg, engine.LoadOptions{BaseDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		opts.CacheDir = filepath.Join(dir, "cache")
		rec, err := engine.New(tm.reg).Run(context.Background(), plan, opts)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	first := run(src("true"), engine.Options{RunID: "r0"})
	if cacheKey(first.Nodes["a"]) == "" {
		t.Fatalf("a's record has no cache key: %+v", first.Nodes["a"])
	}
	keep := resumeFrom(t, first)
	// Nothing changed: kept, with its key, so that a resume of this run
	// checks it too.
	same := run(src("true"), engine.Options{RunID: "r1", Keep: keep, KeptFrom: "r0"})
	check(t, same, engine.StatusError, map[string]want{"a": {engine.StatusSuccess, "kept from run r0"}})
	if cacheKey(same.Nodes["a"]) != cacheKey(first.Nodes["a"]) {
		t.Errorf("kept a's key %q, was %q", cacheKey(same.Nodes["a"]), cacheKey(first.Nodes["a"]))
	}
	os.WriteFile(data, []byte("v3"), 0o644)
	ex, err := func() ([]engine.Explanation, error) {
		plan, err := engine.LoadWith(filepath.Join(dir, "p.yaml"), tm.reg, engine.LoadOptions{BaseDir: dir})
		if err != nil {
			return nil, err
		}
		return engine.New(tm.reg).Explain(plan, engine.Options{Keep: resumeFrom(t, same), KeptFrom: "r1", CacheDir: filepath.Join(dir, "cache")})
	}()
	if err != nil || ex[0].Would != engine.WouldRun || !strings.HasSuffix(ex[0].Why, engine.NotKeptPrefix+"r1: file data.txt changed") {
		t.Errorf("explain: %v %+v", err, ex)
	}
	rec := run(src("false"), engine.Options{Keep: resumeFrom(t, same), KeptFrom: "r1"})
	check(t, rec, engine.StatusSuccess, map[string]want{
		"a": {engine.StatusSuccess, engine.NotKeptPrefix + "r1: file data.txt changed"},
	})
	if rec.Nodes["a"].Attempts != 1 || cacheKey(rec.Nodes["a"]) == cacheKey(first.Nodes["a"]) {
		t.Errorf("a: %+v", rec.Nodes["a"])
	}
}

func isNaN(v any) bool {
	f, ok := v.(float64)
	return ok && math.IsNaN(f)
}

func cacheKey(n *engine.NodeRecord) string {
	if n == nil || n.Resume == nil {
		return ""
	}
	return n.Resume.CacheKey
}
