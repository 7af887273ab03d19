package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// pipe validate reads a pipeline's dotenv files as pipe run does: one
// that exists and does not parse, or sets a config key to what its type
// cannot take, or cannot be read, is an error at its line (exit 1) where
// it passed before and failed the run; a key that is surely a typo is a
// warning at its line; a file that is not there stays a warning. Nothing
// of the file is quoted (a secret shows nowhere), and the path is the
// file's from where pipe runs.
func TestValidateReadsDotEnvFiles(t *testing.T) {
	const src = "name: p\ndotenv: [../.env, ci.env]\nconfig: {N: 0, BETTING_MODEL: m.pth}\nnodes:\n  x: {module: echo}\n"
	tests := []struct {
		name, env string
		dir       bool // .env is a directory
		code      int
		want      []string // in stderr
		json      string   // the first error's file:line:col in --format json
	}{
		{name: "not KEY=VALUE", env: "N=1\nAPI_KEY=supersecret-dotenv\nthis is bad\n", code: 1,
			want: []string{".env:3:1: not KEY=VALUE", "hint: a line of a .env file is KEY=VALUE", "1 problem, 1 warning"}, json: ".env:3:1"},
		{name: "a quote that does not end", env: "API_KEY=supersecret-dotenv\nN=\"1\n", code: 1,
			want: []string{".env:2:1: a quoted value that does not end"}, json: ".env:2:1"},
		{name: "a value of another type", env: "API_KEY=supersecret-dotenv\n\nN=many\n", code: 1,
			want: []string{`.env:3:1: config N: "many" is not a whole number`}, json: ".env:3:1"},
		{name: "a directory", dir: true, code: 1, want: []string{"pipelines/p.yaml:2:10: dotenv .env: cannot read it: is a directory"}, json: "p.yaml:2:10"},
		{name: "a typo", env: "API_KEY=supersecret-dotenv\nBETTNG_MODEL=x.pth\n", code: 0,
			want: []string{".env:2:1: warning: BETTNG_MODEL is not a config key of this pipeline: did you mean BETTING_MODEL?", "ok pipelines/p.yaml"}},
		{name: "good", env: "N=2\nAPI_KEY=supersecret-dotenv\n", code: 0, want: []string{`warning: dotenv file "pipelines/ci.env" does not exist`, "ok pipelines/p.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"pipelines/p.yaml": src}
			if tt.dir {
				files[".env/keep"] = ""
			} else {
				files[".env"] = tt.env
			}
			writeFiles(t, dir, files)
			r := pipeIn(t, dir, nil, "validate", "pipelines/p.yaml")
			all := r.stdout + r.stderr
			if r.code != tt.code || strings.Contains(all, "supersecret") {
				t.Errorf("exit %d, want %d, and no secret\n%s", r.code, tt.code, all)
			}
			for _, want := range tt.want {
				if !strings.Contains(all, want) {
					t.Errorf("want %q\n%s", want, all)
				}
			}
			if tt.code == 1 && strings.Contains(r.stdout, "ok ") {
				t.Errorf("said ok:\n%s", r.stdout)
			}
			if tt.json == "" {
				return
			}
			r = pipeIn(t, dir, nil, "validate", "--format", "json", filepath.Join(dir, "pipelines/p.yaml"))
			var diags []struct {
				File      string
				Line, Col int
				Severity  string
			}
			if err := json.Unmarshal([]byte(r.stdout), &diags); err != nil || r.code != 1 {
				t.Fatalf("--format json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
			}
			for _, d := range diags {
				if d.Severity == "" {
					if got := fmt.Sprintf("%s:%d:%d", filepath.Base(d.File), d.Line, d.Col); got != tt.json || !filepath.IsAbs(d.File) {
						t.Errorf("--format json: the error is at %s (%s), want %s, the path absolute as the file's", got, d.File, tt.json)
					}
					return
				}
			}
			t.Errorf("--format json: no error\n%s", r.stdout)
		})
	}
}
