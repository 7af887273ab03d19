package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// pipe run prints validate's warnings once as it starts, on stderr, as
// validate words them: who never runs validate sees them too. Not on
// stdout (--json stays JSON), one record each in a machine log format,
// once on a resumed run; not a dotenv file that does not exist, which the
// run skips by design (validate still warns of it).
func TestRunPrintsWarnings(t *testing.T) {
	const src = "name: w\ndotenv: ci.env\nnodes:\n  a:\n    module: echo\n    cache: false\n    files: [x.txt]\n    with: {x: 1}\n"
	const warning = "p.yaml:7:13: warning: node a is not cached: its files: only tell --resume to run it again when they change"
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": src})

	r := pipeIn(t, dir, nil, "validate", "p.yaml")
	if r.code != 0 || !strings.Contains(r.stderr, warning) || !strings.Contains(r.stderr, `dotenv file "ci.env" does not exist`) {
		t.Fatalf("validate: exit %d, want 0 with both warnings\n%s", r.code, r.stderr)
	}
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"run", []string{"run", "p.yaml"}},
		{"json", []string{"run", "--json", "p.yaml"}},
		{"resume", []string{"run", "p.yaml", "--resume", "last"}},
		{"dry run", []string{"run", "--dry-run", "p.yaml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := pipeIn(t, dir, nil, tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if n := strings.Count(r.stderr, warning); n != 1 {
				t.Errorf("the warning %d times on stderr, want once\n%s", n, r.stderr)
			}
			if !strings.Contains(r.stderr, "hint: add `cache: true` to reuse its result while they are unchanged") {
				t.Errorf("no hint\n%s", r.stderr)
			}
			if strings.Contains(r.stdout, "warning") || strings.Contains(r.stderr, "ci.env") {
				t.Errorf("a warning on stdout, or the skipped dotenv warned of\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			}
			if tt.name == "json" && !json.Valid([]byte(r.stdout)) {
				t.Errorf("--json: stdout is not JSON\n%s", r.stdout)
			}
		})
	}
	t.Run("log-format json", func(t *testing.T) {
		r := pipeIn(t, dir, nil, "run", "--log-format", "json", "p.yaml")
		found := 0
		for line := range strings.SplitSeq(strings.TrimSpace(r.stderr), "\n") {
			var rec struct {
				Level, Msg, File, Hint string
				Line, Col              int
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("stderr line is not JSON: %v\n%s", err, r.stderr)
			}
			if rec.Level == "warn" && strings.HasPrefix(rec.Msg, "node a is not cached") {
				found++
				if rec.File != "p.yaml" || rec.Line != 7 || rec.Col != 13 || rec.Hint == "" {
					t.Errorf("warning record %+v, want p.yaml:7:13 with its hint", rec)
				}
			}
		}
		if found != 1 {
			t.Errorf("%d warning records, want 1\n%s", found, r.stderr)
		}
	})
}

// A config key named as a variable shells set takes the environment's
// value, as every key does; the run says so as it starts, at the key, and
// pipe show says where the value came from.
func TestRunWarnsOfConfigKeyFromShell(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: e\nconfig:\n  USER: nobody\nnodes:\n  a:\n    module: echo\n    with: {user: \"${{ config.USER }}\"}\n"})
	r := pipeIn(t, dir, []string{"USER=someone"}, "run", "--json", "p.yaml")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "p.yaml:3:3: warning: config key USER is also an environment variable that shells set: pipe run takes $USER, where it is set, over this default") {
		t.Errorf("no warning at the key\n%s", r.stderr)
	}
	var rec struct {
		Nodes map[string]struct{ Outputs map[string]any }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.Nodes["a"].Outputs["user"] != "someone" {
		t.Errorf("user = %v (%v), want the environment's someone", rec.Nodes["a"].Outputs["user"], err)
	}
	if r := pipeIn(t, dir, nil, "show", "last"); !regexp.MustCompile(`USER +someone +environment`).MatchString(r.stdout) {
		t.Errorf("pipe show does not say the value came from the environment\n%s", r.stdout)
	}
}
