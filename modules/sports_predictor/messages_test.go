package sports_predictor

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// A file an input names that is not there is named with its input, the
// config key that set it and, for a relative path, the base directory it
// resolves against; mode load without a model says how to make one; an
// empty file says it is empty.
func TestMissingFilesAreExplained(t *testing.T) {
	base := t.TempDir()
	empty := filepath.Join(base, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	for _, tc := range []struct {
		name     string
		with     map[string]any
		env      []string
		want     []string
		dontWant []string
	}{
		{"data, absolute, from config", map[string]any{"data": "/nonexistent"}, []string{"DATA=/nonexistent"},
			[]string{`input data: no such file or directory "/nonexistent" (from config DATA)`}, []string{"stat ", "relative"}},
		{"data, relative", map[string]any{"data": "results/none.csv"}, []string{"DATA=results/none.csv", "OTHER=x"},
			[]string{`input data: no such file or directory "results/none.csv"`, "from config DATA", "a relative path resolves against the pipeline's base directory, " + base + ": " + filepath.Join(base, "results/none.csv")}, nil},
		{"data, not from config", map[string]any{"data": "/nonexistent"}, nil,
			[]string{`input data: no such file or directory "/nonexistent"`}, []string{"config"}},
		{"two keys hold the value", map[string]any{"data": "/nonexistent"}, []string{"DATA=/nonexistent", "ODDS=/nonexistent"},
			[]string{`input data: no such file or directory "/nonexistent"`}, []string{"config"}},
		{"data, a glob that matches nothing", map[string]any{"data": "results/*.csv"}, []string{"DATA=results/*.csv"},
			[]string{`input data: no file matches "results/*.csv" (from config DATA; a relative path resolves against the pipeline's base directory`}, nil},
		{"fixtures", map[string]any{"fixtures": "/nonexistent.csv"}, []string{"FIXTURES=/nonexistent.csv"},
			[]string{`input fixtures: no such file or directory "/nonexistent.csv" (from config FIXTURES)`}, []string{"stat "}},
		{"mode load, no model", map[string]any{"mode": "load", "model": "missing.json"}, []string{"SPORTS_MODEL=missing.json"},
			[]string{`mode load: no model file "missing.json"`, "from config SPORTS_MODEL", "saved by a run in mode fit or auto", "--set SPORTS_MODE=fit"}, []string{"open "}},
		{"empty data file", map[string]any{"data": empty}, nil,
			[]string{empty + ": the file is empty"}, []string{"EOF"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := map[string]any{"data": Synthetic, "method": "elo", "mode": "auto", "evaluate": false, "compare": false, "cache_dir": t.TempDir()}
			for k, v := range tc.with {
				full[k] = v
			}
			_, err := Predictor{}.Run(context.Background(), &modules.Input{Node: "sp", With: full, Attempt: 1, Logger: slog.New(slog.DiscardHandler),
				Dir: base, Env: tc.env})
			if err == nil {
				t.Fatal("no error")
			}
			checkErrorText(t, err, tc.want, tc.dontWant)
		})
	}
}

// A directory holding the same matches twice is told in the metrics (and
// the log): exact copies are dropped, so the fit counts each match once.
func TestDuplicateMatchesAreTold(t *testing.T) {
	one := seasonsCSV(t, []string{"2017-2018", "2018-2019"}, 50)
	dir := t.TempDir()
	data, _ := os.ReadFile(one)
	os.WriteFile(filepath.Join(dir, "a.csv"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "b.csv"), data, 0o644)
	out, err := run(t, map[string]any{"data": dir, "evaluate": true})
	if err != nil {
		t.Fatal(err)
	}
	warnings, _ := out.Values["metrics"].(map[string]any)["data_warnings"].([]any)
	if len(warnings) != 1 || !strings.Contains(warnings[0].(string), "100 match(es) read twice") {
		t.Errorf("data_warnings %v, want the 100 matches read twice", warnings)
	}
	if n := out.Values["model"].(map[string]any)["matches"]; n != 100 {
		t.Errorf("fitted on %v matches, want 100", n)
	}
}

// checkErrorText fails t unless err's text holds every want and no
// dontWant.
func checkErrorText(t *testing.T, err error, want, dontWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	for _, w := range dontWant {
		if strings.Contains(err.Error(), w) {
			t.Errorf("error %q has %q", err, w)
		}
	}
}
