package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// dotenvSrc is a pipeline in pipelines/ that takes the project's .env
// (one directory up) and a local.env beside it that is not there.
const dotenvSrc = `name: dotenv
dotenv: [../.env, local.env]
config: {A: "", B: "", C: "", D: "", API_TOKEN: "", BETTING_MODEL: m.pth}
nodes:
  show:
    module: exec
    with:
      command: 'printf "{\"seen\": \"%s\", \"token\": \"%s\", \"password\": \"%s\"}" "$A|$B|$C|$D" "$API_TOKEN" "$SERVICE_PASSWORD"; echo "password is $SERVICE_PASSWORD" >&2'
`

// A pipeline's dotenv files are read as a --config file is, before it:
// dotenv < --config < environment < --set, whatever directory pipe runs
// in (the paths are the file's). Their secrets are masked, their keys
// reach programs, a typo is warned about at its line, and a file that is
// not there is skipped, said at debug level.
func TestDotEnvEndToEnd(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipelines/p.yaml": dotenvSrc,
		".env":             "A=dotenv\nB=dotenv\nC=dotenv\nD=dotenv\nAPI_TOKEN=tok-dotenv-secret-987\nSERVICE_PASSWORD=hunter2-dotenv-pw\nBETTNG_MODEL=typo.pth\n",
		"c.env":            "B=config\nC=config\nD=config\n",
	})
	for _, where := range []struct{ name, dir, file, config string }{
		{"from the project", dir, "pipelines/p.yaml", "c.env"},
		{"from elsewhere", t.TempDir(), filepath.Join(dir, "pipelines/p.yaml"), filepath.Join(dir, "c.env")},
	} {
		t.Run(where.name, func(t *testing.T) {
			rec, r := runRecord(t, where.dir, []string{"C=environment", "D=environment"},
				where.file, "--config", where.config, "--set", "D=set", "--debug")
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			out := rec.Nodes["show"].Outputs
			if out["seen"] != "dotenv|config|environment|set" || out["token"] != engine.Masked || out["password"] != engine.Masked {
				t.Errorf("the program saw %v, want dotenv|config|environment|set and the secrets masked", out)
			}
			if from := rec.Config["A"].From; !strings.HasSuffix(from, ".env") || rec.Config["A"].Value != "dotenv" {
				t.Errorf("config A = %v from %q, want dotenv from the .env file", rec.Config["A"].Value, from)
			}
			all := r.stdout + r.stderr
			for _, secret := range []string{"tok-dotenv-secret-987", "hunter2-dotenv-pw"} {
				if strings.Contains(all, secret) {
					t.Errorf("the secret %s shows:\n%s", secret, all)
				}
			}
			if !strings.Contains(r.stderr, "password is ***") {
				t.Errorf("the program's line with the masked password is missing:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, ".env:7: BETTNG_MODEL is not a config key of this pipeline: did you mean BETTING_MODEL?") {
				t.Errorf("no warning of the typo at its line:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "dotenv file not found, skipped") || !strings.Contains(r.stderr, "local.env") {
				t.Errorf("the missing local.env is not said at debug level:\n%s", r.stderr)
			}
		})
	}
}

// A dotenv file that exists and does not parse stops the run before it
// starts, at its line, quoting nothing of the file; pipe validate checks
// the key's entries, says the same of the file at its line, and warns of
// a file that is not there (TestValidateReadsDotEnvFiles has more).
func TestDotEnvErrorsAndValidate(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	writeFiles(t, dir, map[string]string{
		"p.yaml":    "dotenv: [.env, ci.env]\nconfig: {N: 0}\nnodes:\n  x: {module: echo}\n",
		".env":      "N=1\nAPI_KEY=supersecret-dotenv\nthis is bad\n",
		"bad.yaml":  "dotenv:\n  - .env\n  - 42\nnodes:\n  x: {module: echo}\n",
		"good.yaml": "dotenv: good.env\nnodes:\n  x: {module: echo}\n",
		"good.env":  "N=2\n",
	})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--runs-dir", runs)
	if r.code != exitFailed || !strings.Contains(r.stderr, ".env:3:1: not KEY=VALUE") || strings.Contains(r.stderr, "supersecret") {
		t.Errorf("run: exit %d, want %d (the file is invalid, as validate says) with .env:3:1 and no secret\n%s", r.code, exitFailed, r.stderr)
	}
	if entries, _ := os.ReadDir(runs); len(entries) > 0 {
		t.Errorf("the run started: %v", entries)
	}
	r = pipeIn(t, dir, nil, "validate", "p.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, `p.yaml:1:16: warning: dotenv file "ci.env" does not exist`) ||
		!strings.Contains(r.stderr, ".env:3:1: not KEY=VALUE") || strings.Contains(r.stderr, "supersecret") {
		t.Errorf("validate: exit %d, want 1 with .env:3:1, a warning at ci.env and no secret\n%s", r.code, r.stderr)
	}
	r = pipeIn(t, dir, nil, "validate", "bad.yaml", "good.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "bad.yaml:3:5: dotenv entries must be paths, not an int") || !strings.Contains(r.stderr, "hint:") ||
		!strings.Contains(r.stdout, "ok good.yaml") {
		t.Errorf("validate: exit %d, want 1 with bad.yaml:3:5\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// A key of a dotenv file that the pipeline does not declare reaches
// programs and resume compares it as a --config file's: changed, the
// program nodes run again, naming the key.
func TestDotEnvKeyChangeRunsProgramsAgainOnResume(t *testing.T) {
	dir := t.TempDir()
	src := strings.Replace(resumeStaleSrc, "name: p\n", "name: p\ndotenv: .env\n", 1)
	writeFiles(t, dir, map[string]string{"p.yaml": src, "data.txt": "x\n", ".env": "EXTRA=one\n"})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 1 || !strings.Contains(r.stderr, "extra=one") {
		t.Fatalf("first run: exit %d, want 1 with extra=one\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"ok": "", ".env": "EXTRA=two\n"})
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "extra=two") || !strings.Contains(r.stdout, ": its program's environment changed: .env key EXTRA") {
		t.Fatalf("resume with EXTRA changed: exit %d, want e run again with two\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume with EXTRA changed", r, map[string]string{"e": engine.NotKeptPrefix, "k": "kept from run"})
}
