package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// A failure is logged once, not once by the engine and again by the CLI.
func TestFailureIsLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: 'echo kaput-4711 >&2; exit 3'}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "exit status 3"); n != 1 {
		t.Errorf("the failure is logged %d times:\n%s", n, r.stderr)
	}
}

// JSON logs are for machines: RFC 3339 times with milliseconds, durations
// as numbers of milliseconds, and the node's id as the attribute "node".
func TestJSONLogs(t *testing.T) {
	r := pipe(t, "--log-format", "json", "run", "pipelines/example.yaml", "--runs-dir", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	done := 0
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		ts, _ := m["time"].(string)
		if at, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.Contains(ts, ".") || at.IsZero() {
			t.Errorf("time %q is not RFC 3339 with milliseconds", ts)
		}
		if _, prefixed := m["prefix"]; prefixed {
			t.Errorf("line %q names its node as a prefix", line)
		}
		if m["msg"] == "done" {
			done++
			if _, ok := m["duration_ms"].(float64); !ok || m["node"] == nil {
				t.Errorf("line %q: want node and a numeric duration_ms", line)
			}
		}
	}
	if done == 0 {
		t.Errorf("no node's end was logged:\n%s", r.stderr)
	}
}

// A failing node's last lines of output are in the summary, whole.
func TestSummaryShowsTheEndOfAFailure(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: 'echo compiling >&2; echo \"main.go:3: undefined: x\" >&2; exit 3'}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "  | main.go:3: undefined: x\n") || strings.Contains(r.stdout, "\tstderr ends:") {
		t.Errorf("exit %d, summary:\n%s", r.code, r.stdout)
	}
}

// A failing program's colours, cursor moves and text-direction marks do
// not reach the summary or pipe show: a carriage return there could hide
// the failure behind other text.
func TestSummaryShowsAFailureAsText(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  boom: {module: exec, with: {command: [sh, -c, 'printf \"\\033[31mFAIL\\033[0m: bad\\r all good\\342\\200\\256x\\n\" >&2; exit 3']}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "  | FAIL: bad  all goodx\n") {
		t.Errorf("exit %d, summary:\n%q", r.code, r.stdout)
	}
	show := pipe(t, "show", "last", "--runs-dir", dir)
	for _, out := range []string{r.stdout, show.stdout} {
		if strings.ContainsAny(out, "\x1b\r\u202e") {
			t.Errorf("escape codes printed:\n%q", out)
		}
	}
}

// pipe runs lists what ran, newest first; graph --run takes last or an id
// prefix instead of a path.
func TestRunsAndRunReferences(t *testing.T) {
	runs := t.TempDir()
	for _, only := range []string{"stats", "goals"} {
		if r := pipe(t, "run", "pipelines/example.yaml", "--runs-dir", runs, "--only", only); r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
	r := pipe(t, "runs", "--runs-dir", runs)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "RUN") || !strings.Contains(lines[1], "success") {
		t.Fatalf("pipe runs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	newest := strings.Fields(lines[1])[0]
	for _, ref := range []string{"last", newest, newest[:len(newest)-3]} {
		g := pipe(t, "graph", "pipelines/example.yaml", "--runs-dir", runs, "--run", ref)
		if g.code != 0 || !strings.Contains(g.stdout, "run: ") {
			t.Errorf("graph --run %s: exit %d\n%s", ref, g.code, g.stderr)
		}
	}
	if g := pipe(t, "graph", "pipelines/example.yaml", "--runs-dir", runs, "--run", "nope"); g.code != 1 || !strings.Contains(g.stderr, "pipe runs lists them") {
		t.Errorf("graph --run nope: exit %d\n%s", g.code, g.stderr)
	}
	var list []engine.RunSummary
	j := pipe(t, "runs", "--runs-dir", runs, "-n", "1", "--json")
	if err := json.Unmarshal([]byte(j.stdout), &list); err != nil || len(list) != 1 || list[0].ID != newest {
		t.Errorf("runs --json: %v %+v\n%s", err, list, j.stdout)
	}
}

// pipe show tells a run: its config with where each value came from
// (secrets masked), its nodes and their outputs.
func TestShowARun(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nconfig: {API_TOKEN: '', N: 1, LABEL: x}\nnodes:\n  a: {module: echo, with: {n: '${{ config.N }}'}}\n"), 0o644)
	r := pipeIn(t, "", []string{"API_TOKEN=tok_SUPERSECRET_77"}, "run", file, "--runs-dir", runs, "--set", "N=7")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	s := pipe(t, "show", "--runs-dir", runs)
	for _, want := range []string{"run ", "pipeline p", "API_TOKEN  ***    environment", "N          7      --set", "LABEL      x      default", "a     success", "n=7"} {
		if !strings.Contains(s.stdout, want) {
			t.Errorf("pipe show lacks %q:\n%s", want, s.stdout)
		}
	}
	if strings.Contains(s.stdout, "SUPERSECRET") || s.code != 0 {
		t.Errorf("exit %d\n%s", s.code, s.stdout)
	}
}

// pipe --version says what the build knows, not a placeholder.
func TestVersion(t *testing.T) {
	r := pipe(t, "--version")
	v := strings.TrimSpace(r.stdout)
	if r.code != 0 || v == "" || v == "dev" {
		t.Errorf("pipe --version: exit %d, %q", r.code, v)
	}
}

// pipe logs prints what nodes' programs wrote; -f follows a run that is
// still going and ends with it.
func TestLogsFollowsARun(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  talk: {module: exec, with: {command: 'for i in 1 2 3; do echo line$i; sleep 0.3; done'}}\n  quiet: {module: echo}\n"), 0o644)
	run := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(runs, "*"+engine.JournalSuffix)); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the run's journal did not appear")
		}
		time.Sleep(10 * time.Millisecond)
	}
	f := pipe(t, "logs", "-f", "--runs-dir", runs)
	if err := run.Wait(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[talk] ", "stdout line1\n", "stdout line3\n"} {
		if !strings.Contains(f.stdout, want) {
			t.Errorf("pipe logs -f lacks %q:\n%s%s", want, f.stdout, f.stderr)
		}
	}
	one := pipe(t, "logs", "last", "talk", "--runs-dir", runs)
	if one.code != 0 || strings.Count(one.stdout, "\n") != 3 || strings.Contains(one.stdout, "[talk]") {
		t.Errorf("pipe logs last talk: exit %d\n%s", one.code, one.stdout)
	}
	if q := pipe(t, "logs", "last", "quiet", "--runs-dir", runs); q.code != 0 || q.stdout != "" || !strings.Contains(q.stderr, "left no output") {
		t.Errorf("pipe logs last quiet: exit %d\n%s", q.code, q.stderr)
	}
}

// pipe show of a run still going shows it from its journal: running, the
// nodes that ended as they ended, the others not ended yet.
func TestShowARunStillGoing(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  slow: {module: exec, with: {command: 'sleep 3'}}\n  after: {module: echo, needs: slow}\n  quick: {module: echo}\n"), 0o644)
	run := exec.Command(pipeBin, "run", file, "--runs-dir", runs)
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { run.Process.Kill(); run.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// quick has ended once the journal holds more than its header.
		if m, _ := filepath.Glob(filepath.Join(runs, "*"+engine.JournalSuffix)); len(m) > 0 {
			if b, _ := os.ReadFile(m[0]); strings.Count(string(b), "\n") > 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the run's journal did not appear")
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := pipe(t, "show", "last", "--runs-dir", runs)
	if r.code != 0 {
		t.Fatalf("pipe show last: exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{": running\n", "going for ", "slow ", "not ended yet", "quick ", "success"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("pipe show last of a run still going lacks %q:\n%s", want, r.stdout)
		}
	}
	// From the file, unchanged since the run started: which node runs,
	// which waits for it (both were "running or waiting").
	for _, want := range []*regexp.Regexp{regexp.MustCompile(`slow +- +running \(or waiting for a slot\)`), regexp.MustCompile(`after +- +waiting for slow`)} {
		if !want.MatchString(r.stdout) {
			t.Errorf("pipe show last of a run still going does not match %s:\n%s", want.String(), r.stdout)
		}
	}
	// graph --run last draws it too, not the run before it.
	g := pipe(t, "graph", file, "--run", "last", "--runs-dir", runs)
	if g.code != 0 || !strings.Contains(g.stdout, `"slow" [label="slow\nmodule: exec\nrunning\nnot ended yet"`) || !strings.Contains(g.stdout, "2 running") {
		t.Errorf("pipe graph --run last of a run still going: exit %d\n%s%s", g.code, g.stdout, g.stderr)
	}
}

// pipe runs --prune KEEP keeps the newest runs, records and logs.
func TestPruneRuns(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  a: {module: exec, with: {command: 'echo hi'}}\n"), 0o644)
	for range 3 {
		if r := pipe(t, "run", file, "--runs-dir", runs); r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
	newest := strings.Fields(strings.Split(pipe(t, "runs", "--runs-dir", runs).stdout, "\n")[1])[0]
	r := pipe(t, "runs", "--runs-dir", runs, "--prune", "1")
	left, _ := os.ReadDir(runs)
	left = slices.DeleteFunc(left, func(ent os.DirEntry) bool { return ent.Name() == ".live" }) // markers of live runs
	if r.code != 0 || !strings.Contains(r.stdout, "deleted 2 run(s), kept 1") || len(left) != 2 {
		t.Fatalf("exit %d, %s, left %v", r.code, r.stdout, left)
	}
	for _, ent := range left {
		if !strings.HasPrefix(ent.Name(), newest) {
			t.Errorf("%s is left, not of the newest run %s", ent.Name(), newest)
		}
	}
}

// pipe explain and pipe run --dry-run say what would run, and run nothing.
func TestExplainRunsNothing(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nconfig: {GO: false}\nnodes:\n  touch: {module: exec, with: {command: [touch, "+marker+"]}}\n  gated: {module: echo, when: config.GO}\n"), 0o644)
	for _, args := range [][]string{{"explain", file}, {"run", file, "--dry-run", "--runs-dir", dir}} {
		r := pipe(t, args...)
		if r.code != 0 || !strings.Contains(r.stdout, "when false: config.GO (config.GO = false)") || !strings.Contains(r.stdout, "touch ") {
			t.Errorf("pipe %s: exit %d\n%s%s", args[0], r.code, r.stdout, r.stderr)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a node ran")
	}
	if recs, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(recs) > 0 {
		t.Errorf("a dry run left records: %v", recs)
	}
	// After a run, explain predicts how long the next takes, and along what.
	if r := pipe(t, "run", file, "--runs-dir", dir); r.code != 0 {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipe(t, "explain", file, "--runs-dir", dir)
	if !strings.Contains(r.stdout, "with the durations of run ") || !strings.Contains(r.stdout, "along touch") {
		t.Errorf("no prediction:\n%s", r.stdout)
	}
	// A newer run that was cancelled is no measure: its nodes were cut short.
	cancelled := &engine.Record{ID: "29991231T000000Z-cafe0001", Pipeline: "p", Status: engine.StatusCancelled, StartedAt: time.Now().Add(time.Hour),
		Nodes: map[string]*engine.NodeRecord{"touch": {Status: engine.StatusCancelled}}}
	if _, err := engine.WriteRecord(dir, cancelled); err != nil {
		t.Fatal(err)
	}
	if r := pipe(t, "explain", file, "--runs-dir", dir); strings.Contains(r.stdout, cancelled.ID) || !strings.Contains(r.stdout, "along touch") {
		t.Errorf("the prediction reads the cancelled run:\n%s", r.stdout)
	}
	// A newer run of another file of the same pipeline name is not this
	// file's measure, as it is not its --resume last.
	other := &engine.Record{ID: "29991231T000001Z-cafe0002", Pipeline: "p", File: filepath.Join(dir, "q.yaml"), Status: engine.StatusSuccess,
		StartedAt: time.Now().Add(2 * time.Hour), Nodes: map[string]*engine.NodeRecord{"touch": {Status: engine.StatusSuccess}}}
	if _, err := engine.WriteRecord(dir, other); err != nil {
		t.Fatal(err)
	}
	if r := pipe(t, "explain", file, "--runs-dir", dir); strings.Contains(r.stdout, other.ID) || !strings.Contains(r.stdout, "along touch") {
		t.Errorf("the prediction reads another file's run:\n%s", r.stdout)
	}
}

// What nodes' programs print reaches the terminal, after [node], in order
// for each node; grouped shows each node's lines in one block; quiet none.
func TestOutputModes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  fit: {module: exec, with: {command: 'for i in 1 2 3 4; do echo epoch $i; sleep 0.05; done; echo done-fit >&2'}}\n  price: {module: exec, with: {command: 'for i in 1 2 3; do echo price $i; sleep 0.04; done'}}\n"), 0o644)
	lines := func(stderr, node string) []string {
		var out []string
		for _, l := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(l, "["+node+"] ") {
				out = append(out, strings.TrimPrefix(l, "["+node+"] "))
			}
		}
		return out
	}
	for _, mode := range []string{"prefixed", "grouped", "quiet"} {
		r := pipe(t, "run", file, "--runs-dir", dir, "--output", mode)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s", mode, r.code, r.stderr)
		}
		fit, price := lines(r.stderr, "fit"), lines(r.stderr, "price")
		if mode == "quiet" {
			if len(fit)+len(price) > 0 {
				t.Errorf("quiet shows output:\n%s", r.stderr)
			}
			continue
		}
		if strings.Join(fit, ",") != "epoch 1,epoch 2,epoch 3,epoch 4,done-fit" || strings.Join(price, ",") != "price 1,price 2,price 3" {
			t.Errorf("%s: fit %q, price %q\n%s", mode, fit, price, r.stderr)
		}
		if mode == "grouped" {
			// Each node's lines stand together.
			block := strings.Join([]string{"[fit] epoch 1", "[fit] epoch 2", "[fit] epoch 3", "[fit] epoch 4", "[fit] done-fit"}, "\n")
			if !strings.Contains(r.stderr, block) || !strings.Contains(r.stderr, "[price] price 1\n[price] price 2\n[price] price 3") {
				t.Errorf("grouped output is not in blocks:\n%s", r.stderr)
			}
		}
	}
}

// A Python module's print and logging reach the terminal after [node];
// pipe --debug lets its debug lines through.
func TestPythonLoggingIsShown(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the python module cannot be tested here")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "logmod.py")
	os.WriteFile(mod, []byte("import logging\nlog = logging.getLogger('fit')\ndef main():\n    print('printed')\n    log.info('an info line')\n    log.debug('a debug line')\n    return {}\n"), 0o644)
	file := filepath.Join(dir, "p.yaml")
	os.WriteFile(file, []byte("name: p\nnodes:\n  py: {module: python, with: {path: "+mod+"}}\n"), 0o644)
	r := pipe(t, "run", file, "--runs-dir", dir)
	if !strings.Contains(r.stderr, "[py] printed") || !strings.Contains(r.stderr, "[py] INFO fit: an info line") || strings.Contains(r.stderr, "a debug line") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	d := pipe(t, "--debug", "run", file, "--runs-dir", dir)
	if !strings.Contains(d.stderr, "[py] DEBUG fit: a debug line") {
		t.Errorf("--debug: exit %d\n%s", d.code, d.stderr)
	}
}

func TestHelpCommand(t *testing.T) {
	if r := pipe(t, "help", "run"); r.code != 0 || !strings.Contains(r.stdout, "Usage: pipe run <file>") {
		t.Errorf("pipe help run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pipe(t, "help", "nope"); r.code != 2 {
		t.Errorf("pipe help nope: exit %d", r.code)
	}
}

// pipe run --resume runs again only what did not succeed, and a node
// that reads a config value changed since (a program gets them all in
// its environment), unless --force.
func TestResume(t *testing.T) {
	runs := t.TempDir()
	file := filepath.Join(t.TempDir(), "p.yaml")
	os.WriteFile(file, []byte("name: p\nconfig: {FAIL: true}\nnodes:\n  a: {module: exec, with: {command: 'echo a-ran'}}\n  b: {module: exec, needs: a, with: {command: 'test ${{ config.FAIL }} = false'}}\n  c: {module: echo, needs: b}\n"), 0o644)
	if r := pipe(t, "run", file, "--runs-dir", runs); r.code != 1 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	r := pipe(t, "run", file, "--runs-dir", runs, "--resume", "last", "--set", "FAIL=false", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "its program's environment changed: config FAIL (false, was true)") {
		t.Errorf("resume with another config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pipe(t, "run", file, "--runs-dir", runs, "--resume", "last", "--set", "FAIL=false", "--force")
	if r.code != 0 || strings.Contains(r.stderr, "[a] a-ran") || !strings.Contains(r.stdout, "kept from run") {
		t.Errorf("resume --force: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A kept node's log is the one it printed in the run it was kept from.
	if l := pipe(t, "logs", "last", "a", "--runs-dir", runs); l.code != 0 || !strings.Contains(l.stdout, "a-ran") {
		t.Errorf("logs of a kept node: exit %d\n%s%s", l.code, l.stdout, l.stderr)
	}
	// The whole run's logs hold its kept nodes' too, from that run.
	if l := pipe(t, "logs", "last", "--runs-dir", runs); l.code != 0 || !strings.Contains(l.stdout, "[a] ") || !strings.Contains(l.stdout, "a-ran") {
		t.Errorf("logs of a resumed run: exit %d\n%s%s", l.code, l.stdout, l.stderr)
	}
	// A dry run of a resume says what it would keep.
	if d := pipe(t, "run", file, "--runs-dir", runs, "--resume", "last", "--set", "FAIL=false", "--dry-run"); !strings.Contains(d.stdout, "keep   kept from run") {
		t.Errorf("resume --dry-run: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
	// A secret's value is not recorded: a change of its source runs again
	// the nodes that read it.
	sec := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(sec, []byte("name: s\nconfig: {API_TOKEN: one}\nnodes:\n  a: {module: echo, when: \"config.API_TOKEN != ''\"}\n  b: {module: exec, needs: a, with: {command: 'exit 3'}}\n"), 0o644)
	secRuns := t.TempDir()
	pipe(t, "run", sec, "--runs-dir", secRuns)
	if r := pipe(t, "run", sec, "--runs-dir", secRuns, "--resume", "last", "--set", "API_TOKEN=two"); r.code != 1 || !strings.Contains(r.stdout, "not kept from run") || !strings.Contains(r.stdout, "what it reads changed: secret API_TOKEN (now from --set, was from default)") {
		t.Errorf("resume with another secret: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var rec engine.Record
	s := pipe(t, "show", "--runs-dir", runs, "--json")
	if err := json.Unmarshal([]byte(s.stdout), &rec); err != nil || rec.ResumedFrom == "" || rec.Nodes["c"].Status != engine.StatusSuccess {
		t.Errorf("the resumed run's record: %v %+v", err, rec)
	}
}

// With machine logs, pipe's own messages are log records too.
func TestJSONLogsCarryPipesOwnMessages(t *testing.T) {
	r := pipe(t, "--log-format", "json", "run", "nosuch.yaml")
	var m map[string]any
	if r.code != 1 || json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &m) != nil || !strings.Contains(fmt.Sprint(m["msg"]), "nosuch.yaml") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// pipe logs of a run whose record is damaged says so, not that the node
// printed nothing.
func TestLogsOfADamagedRun(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "20991231T235959Z-deadbeef.json"), []byte("garbage{"), 0o600)
	r := pipe(t, "logs", "last", "a", "--runs-dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "its run's record cannot be read") || strings.Contains(r.stderr, "printed nothing") {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
}
