package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/schema"
)

// shellPipeline prints config.NAME from a shell string in each place a
// value can sit: a bare word, inside "...", inside '...', inside $( ).
const shellPipeline = `name: shell
config: {NAME: world}
nodes:
  word:
    module: exec
    with: {command: "printf %s ${{ config.NAME }}"}
  double:
    module: exec
    with: {command: "printf %s \"v=${{ config.NAME }}.\""}
  single:
    module: exec
    with: {command: "printf %s 'v=${{ config.NAME }}.'"}
  subst:
    module: exec
    with: {command: "printf %s \"$(printf %s ${{ config.NAME }})\""}
`

// TestShellValuesAreQuoted is the injection of issue 8, item 9: values from
// --set, the environment or a .env file reach a shell string, and must
// come out as the same text, never run.
func TestShellValuesAreQuoted(t *testing.T) {
	values := []string{
		"$(touch pwned)",
		"x; touch pwned",
		"`touch pwned`",
		"it's \"quoted\" 'twice'; touch pwned '",
		"line one\ntouch pwned\n# end",
		`back\slash \" \' $HOME ${HOME} *`,
		"",
	}
	for _, value := range values {
		for _, via := range []string{"--set", "environment", ".env"} {
			if via == ".env" && strings.ContainsAny(value, "\n\"'") {
				continue // the .env syntax has its own quoting; the shell path is the same
			}
			t.Run(via+" "+value, func(t *testing.T) {
				dir := t.TempDir()
				os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(shellPipeline), 0o644)
				args := []string{"run", "p.yaml", "--runs-dir", dir, "--json"}
				var env []string
				switch via {
				case "--set":
					args = append(args, "--set", "NAME="+value)
				case "environment":
					env = []string{"NAME=" + value}
				case ".env":
					os.WriteFile(filepath.Join(dir, "in.env"), []byte("NAME="+value+"\n"), 0o644)
					args = append(args, "--config", "in.env")
				}
				r := pipeIn(t, dir, env, args...)
				if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
					t.Fatalf("the value ran as a command: pwned exists\n%s", r.stderr)
				}
				if r.code != 0 {
					t.Fatalf("exit %d\n%s", r.code, r.stderr)
				}
				var rec engine.Record
				if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil {
					t.Fatalf("--json: %v\n%s", err, r.stdout)
				}
				want := map[string]string{"word": value, "double": "v=" + value + ".", "single": "v=" + value + ".", "subst": value}
				for node, w := range want {
					if got := rec.Nodes[node].Outputs["stdout"]; got != strings.TrimRight(w, "\n") {
						t.Errorf("node %s printed %q, want %q", node, got, w)
					}
				}
			})
		}
	}
}

// TestShellRawAndWhole: raw() pastes shell text as it is and validate warns
// about it; a whole-value string is one quoted word (a program name).
func TestShellRawAndWhole(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "raw.yaml"), []byte(`name: raw
config: {SCRIPT: "printf %s 'a b' && touch made"}
nodes:
  raw:
    module: exec
    with: {command: "${{ raw(config.SCRIPT) }}; printf ."}
`), 0o644)
	r := pipeIn(t, dir, nil, "validate", "raw.yaml")
	if r.code != 0 || !strings.Contains(r.stderr, "raw.yaml:6:25: warning: raw() pastes ${{ raw(config.SCRIPT) }}") || !strings.Contains(r.stdout, "ok raw.yaml") {
		t.Errorf("validate: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	r = pipeIn(t, dir, nil, "validate", "--format", "json", "raw.yaml")
	var diags []schema.Diagnostic
	if err := json.Unmarshal([]byte(r.stdout), &diags); r.code != 0 || err != nil || len(diags) != 1 || diags[0].Severity != schema.Warning {
		t.Errorf("validate --format json: exit %d, %v, %+v", r.code, err, diags)
	}
	r = pipeIn(t, dir, nil, "run", "raw.yaml", "--runs-dir", dir, "--json")
	var rec engine.Record
	json.Unmarshal([]byte(r.stdout), &rec)
	if _, err := os.Stat(filepath.Join(dir, "made")); r.code != 0 || err != nil || rec.Nodes["raw"].Outputs["stdout"] != "a b." {
		t.Errorf("raw run: exit %d, made: %v, record %+v\n%s", r.code, err, rec.Nodes["raw"], r.stderr)
	}

	os.WriteFile(filepath.Join(dir, "whole.yaml"), []byte(`name: whole
config: {CMD: "touch pwned"}
nodes:
  whole: {module: exec, with: {command: "${{ config.CMD }}"}}
`), 0o644)
	r = pipeIn(t, dir, nil, "run", "whole.yaml", "--runs-dir", dir)
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil || r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Errorf("whole value: exit %d, pwned exists: %v\n%s", r.code, err == nil, r.stderr)
	}

	os.WriteFile(filepath.Join(dir, "heredoc.yaml"), []byte(`name: heredoc
config: {NAME: x}
nodes:
  h: {module: exec, with: {command: "cat <<EOF\n${{ config.NAME }}\nEOF"}}
`), 0o644)
	r = pipeIn(t, dir, nil, "validate", "heredoc.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "it follows a heredoc") {
		t.Errorf("heredoc: exit %d\n%s", r.code, r.stderr)
	}
}

// TestShellInjectionsRefused: places where a value in a shell string could
// reach out of its quoting (a \ or a $ right before it, a case pattern's )
// inside $( ), arithmetic) are validate errors, under sh and under bash as
// sh; nothing runs.
func TestShellInjectionsRefused(t *testing.T) {
	shells := map[string]string{"sh": ""}
	if bash, err := exec.LookPath("bash"); err == nil {
		bin := t.TempDir()
		if err := os.Symlink(bash, filepath.Join(bin, "sh")); err != nil {
			t.Fatal(err)
		}
		shells["bash"] = bin
	}
	tests := []struct {
		name, command, v, w, why string
	}{
		{"backslash", `printf '[%s]' \\${{ config.V }}`, "; touch pwned #", "", `a \ right before`},
		{"backslash in double", `printf '[%s]' \"\\${{ config.V }}\"`, "$(touch pwned)", "", `a \ right before`},
		{"case in subst", `printf '[%s]' \"$(case x in x) printf '%s' ${{ config.V }};; esac)\"`, "a b;touch pwned", "", "cannot tell where"},
		{"dollar", `printf '[%s]' $${{ config.V }} ${{ config.W }}`, `\`, ";touch pwned;#", "a $ right before"},
		{"dollar in double", `printf '[%s]' \"$${{ config.V }}\"`, "(touch pwned)", "", "a $ right before"},
		{"arithmetic", `echo $(( ${{ config.V }} + 1 ))`, "$(touch pwned)", "", "arithmetic"},
	}
	for _, tt := range tests {
		for shell, bin := range shells {
			t.Run(shell+" "+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				src := "name: inj\nconfig: {V: x, W: y}\nnodes:\n  n: {module: exec, with: {command: \"" + tt.command + "\"}}\n"
				os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(src), 0o644)
				env := []string{"V=" + tt.v, "W=" + tt.w}
				if bin != "" {
					env = append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
				}
				r := pipeIn(t, dir, env, "validate", "p.yaml")
				if r.code != 1 || !strings.Contains(r.stderr, tt.why) {
					t.Errorf("validate: exit %d, want 1 and %q\n%s%s", r.code, tt.why, r.stdout, r.stderr)
				}
				r = pipeIn(t, dir, env, "run", "p.yaml", "--runs-dir", dir)
				if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
					t.Fatalf("the value ran as a command: pwned exists\n%s%s", r.stdout, r.stderr)
				}
				if r.code == 0 {
					t.Errorf("run: exit 0, want a validation error\n%s", r.stdout)
				}
			})
		}
	}
}

// TestShellArithmeticAndCase: what the scan must not refuse runs, under sh
// and bash: a << shift in $(( )) is no heredoc, a value in a case subject.
func TestShellArithmeticAndCase(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`name: ok
config: {V: "a b;touch pwned"}
nodes:
  shift: {module: exec, with: {command: "printf %s $((1<<2)) ${{ config.V }}"}}
  subject: {module: exec, with: {command: "printf %s \"$(case ${{ config.V }} in a*) printf 1;; esac)\""}}
`), 0o644)
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--runs-dir", dir, "--json")
	var rec engine.Record
	json.Unmarshal([]byte(r.stdout), &rec)
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil || r.code != 0 ||
		rec.Nodes["shift"].Outputs["stdout"] != "4a b;touch pwned" || rec.Nodes["subject"].Outputs["stdout"] != "1" {
		t.Errorf("exit %d, pwned exists %v, record %+v\n%s", r.code, err == nil, rec.Nodes, r.stderr)
	}
}

// A string command runs in a bare environment (env -i: no PATH at all),
// through /bin/sh: it failed with "cannot run sh: no program of that name
// on PATH". A list's program is still looked up in PATH only.
func TestShellWithoutPath(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": "name: bare\nnodes:\n" +
		"  shell: {module: exec, with: {command: \"echo from-sh >&2\"}}\n" +
		"  list: {module: exec, with: {command: [echo, hi]}}\n"})
	cmd := exec.Command(pipeBin, "run", "p.yaml", "--runs-dir", filepath.Join(dir, "runs"), "--json")
	cmd.Dir, cmd.Env = dir, []string{} // empty, not nil: nothing inherited
	out, _ := cmd.Output()
	var rec engine.Record
	if err := json.Unmarshal(out, &rec); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := rec.Nodes["shell"]; n == nil || n.Status != engine.StatusSuccess {
		t.Errorf("shell node: %+v, want success", n)
	}
	if n := rec.Nodes["list"]; n == nil || n.Status != engine.StatusError || !strings.Contains(n.Message, "cannot run echo") {
		t.Errorf("list node: %+v, want an error that echo is not on PATH", n)
	}
}
