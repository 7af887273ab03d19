package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// resumeReadsSrc: s runs a Python file, d prints what it gave, e hands
// its program the environment (API_TOKEN, a secret, in it), w fans out
// over config L, x reads nothing, and b fails until the file ok exists.
const resumeReadsSrc = `name: p
config: {API_TOKEN: "", L: "a,b"}
nodes:
  s: {module: python, with: {path: s.py}}
  d: {module: exec, needs: [s], with: {command: 'echo "v=${{ nodes.s.outputs.v }}"'}}
  e: {module: exec, with: {command: 'echo "token has ${#API_TOKEN} characters"'}}
  w: {module: echo, cache: false, foreach: '${{ split(config.L, ",") }}', with: {it: "${{ item }}"}}
  x: {module: echo, cache: false, with: {v: 1}}
  b: {module: exec, with: {command: 'test -e ok'}}
`

const resumeReadsPy = "def main():\n    return {'status': 'success', 'message': 'ok', 'v': %s}\n"

// What a resumed run keeps must not be stale: an edit to the Python file
// a node runs, or a secret's new value from the same environment, runs
// the nodes that read them again, naming the file or the key (never the
// value); an instance whose item is the same is kept when the list grew.
func TestResumeRunsAgainWhatReadsAChangedFileOrSecret(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeReadsSrc, "s.py": strings.Replace(resumeReadsPy, "%s", "1", 1)})
	if r := pipeIn(t, dir, []string{"API_TOKEN=abc"}, "run", "p.yaml"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"ok": "", "s.py": strings.Replace(resumeReadsPy, "%s", "2", 1)})
	r := pipeIn(t, dir, []string{"API_TOKEN=abc"}, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "[d] v=2") {
		t.Fatalf("resume after s.py was edited: exit %d, want d to print v=2\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume after s.py was edited", r, map[string]string{
		"s": engine.NotKeptPrefix, "d": engine.NotKeptPrefix, "e": "kept from run", "x": "kept from run"})
	if !strings.Contains(r.stdout, ": its file s.py changed") {
		t.Errorf("the reasons do not name s.py:\n%s", r.stdout)
	}

	r = pipeIn(t, dir, []string{"API_TOKEN=abcdefgh"}, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stderr, "token has 8 characters") {
		t.Fatalf("resume with another token: exit %d, want e to run with it\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume with another token", r, map[string]string{"e": engine.NotKeptPrefix, "s": engine.NotKeptPrefix, "x": "kept from run"})
	if !strings.Contains(r.stdout, "its program's environment changed: secret API_TOKEN (its value changed)") || strings.Contains(r.stdout+r.stderr, "abcdefgh") {
		t.Errorf("the reasons do not name API_TOKEN alone:\n%s%s", r.stdout, r.stderr)
	}

	// What the dry run says it keeps of w, the run keeps.
	dry := pipeIn(t, dir, []string{"API_TOKEN=abcdefgh"}, "run", "p.yaml", "--resume", "last", "--set", "L=a,b,c", "--dry-run")
	claim := regexp.MustCompile(`(?m)^w\s+echo\s+run\s+3 instances: keeps 2 from run \S+ \(w\[a\], w\[b\]\); runs 1: w\[c\] \(a new item\)\s`)
	if !claim.MatchString(dry.stdout) {
		t.Errorf("resume with L=a,b,c --dry-run does not say it keeps w[a], w[b] and runs w[c]:\n%s%s", dry.stdout, dry.stderr)
	}
	r = pipeIn(t, dir, []string{"API_TOKEN=abcdefgh"}, "run", "p.yaml", "--resume", "last", "--set", "L=a,b,c")
	if r.code != 0 {
		t.Fatalf("resume with L=a,b,c: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for id, kept := range map[string]bool{"w[a]": true, "w[b]": true, "w[c]": false} {
		if got := rowKept(r.stdout, id); got != kept {
			t.Errorf("resume with L=a,b,c: %s kept %v, want %v\n%s", id, got, kept, r.stdout)
		}
	}
}

// rowKept reports whether the summary pipe run printed says node id was
// kept by --resume.
func rowKept(stdout, id string) bool {
	return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + `\s+success\s+kept from run `).MatchString(stdout)
}

// A resumed run with --only keeps what it does not select, a foreach
// node with its instances too, so that the next resume keeps it all and
// says there was nothing to resume; and what --dry-run says it would
// keep, it keeps.
func TestResumeWithOnlyLosesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p.yaml": resumeReadsSrc, "s.py": strings.Replace(resumeReadsPy, "%s", "1", 1)})
	if r := pipeIn(t, dir, nil, "run", "p.yaml"); r.code != 1 {
		t.Fatalf("first run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFiles(t, dir, map[string]string{"ok": ""})
	dry := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--only", "b", "--dry-run")
	if !regexp.MustCompile(`(?m)^w\s+echo\s+keep\s+kept from run \S+ with its 2 instances \(not selected by --only\)`).MatchString(dry.stdout) {
		t.Errorf("resume --only b --dry-run does not say w is kept:\n%s%s", dry.stdout, dry.stderr)
	}
	r := pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last", "--only", "b")
	if r.code != 0 {
		t.Fatalf("resume --only b: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume --only b", r, map[string]string{"s": "kept from run", "d": "kept from run", "x": "kept from run", "b": "", "w": "", "w[a]": "kept from run", "w[b]": "kept from run"})
	r = pipeIn(t, dir, nil, "run", "p.yaml", "--resume", "last")
	if r.code != 0 || strings.Contains(r.stderr, "[d] v=") {
		t.Fatalf("resume of the resume: exit %d, want d kept\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantReasons(t, "resume of the resume", r, map[string]string{"s": "kept from run", "d": "kept from run", "x": "kept from run", "b": "kept from run", "w[a]": "kept from run", "w[b]": "kept from run"})
	if !strings.Contains(r.stderr, "nothing to resume: every node succeeded in the run resumed") {
		t.Errorf("a resume with nothing to redo: want it said\n%s%s", r.stdout, r.stderr)
	}
}

// A service kept by --resume (web_interface) is said not to start again;
// a module that acts on the world otherwise (auto_stake) is kept quietly.
func TestKeptNoticeNamesServices(t *testing.T) {
	kept := engine.KeptPrefix + "r0"
	for _, tt := range []struct {
		name     string
		nodes    map[string]*engine.NodeRecord
		services []string
		all      bool
	}{
		{name: "all kept, a service among them", nodes: map[string]*engine.NodeRecord{
			"web": {Module: "web_interface", Reason: kept}, "stake": {Module: "auto_stake", Reason: kept}, "p/a": {Module: "echo"}},
			services: []string{"web"}, all: true},
		{name: "one ran", nodes: map[string]*engine.NodeRecord{
			"web": {Module: "web_interface", Reason: kept}, "x": {Module: "echo"}},
			services: []string{"web"}},
		{name: "a foreach's instances kept", nodes: map[string]*engine.NodeRecord{
			"w": {Module: "echo", Items: []string{"a"}}, "w[a]": {Module: "echo", Reason: kept}},
			all: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			services, all := keptNotice(&engine.Record{Nodes: tt.nodes}, modules.Default.Lookup)
			if strings.Join(services, ",") != strings.Join(tt.services, ",") || all != tt.all {
				t.Errorf("keptNotice = %v, %v; want %v, %v", services, all, tt.services, tt.all)
			}
		})
	}
}
