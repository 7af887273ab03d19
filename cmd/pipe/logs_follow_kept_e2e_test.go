package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// pipe logs -f prints what the nodes kept by --resume printed in the run
// they were kept from, as pipe logs does, and checks the nodes named as it
// does: of a run that has ended and of one still going. (-f said a kept
// node printed nothing, left it out of the whole run's logs, and took
// names of no node for nodes that printed nothing, exit 0.)
func TestLogsFollowPrintsKeptNodes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "q.yaml"), []byte(`name: q
nodes:
  a: {module: exec, with: {command: 'echo from-a'}}
  b: {module: exec, needs: a, with: {command: 'sleep 0.6; echo from-b; test -f ok'}}
`), 0o644)
	if r := pipeIn(t, dir, nil, "run", "q.yaml"); r.code != 1 {
		t.Fatalf("the first run: exit %d\n%s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(dir, "ok"), nil, 0o644)
	runs := filepath.Join(dir, ".pipe/runs")
	// Still going: the resume, followed from its start.
	run := exec.Command(pipeBin, "run", "q.yaml", "--resume", "last")
	run.Dir = dir
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(runs, "*"+engine.JournalSuffix)); len(m) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the resume's journal did not appear")
		}
	}
	type res struct {
		name string
		r    result
	}
	got := make(chan res, 2)
	for _, args := range [][]string{{"logs", "-f", "last"}, {"logs", "-f", "last", "a"}} {
		go func() { got <- res{strings.Join(args, " "), pipeIn(t, dir, nil, args...)} }()
	}
	for range 2 {
		g := <-got
		want := "[a] "
		if strings.HasSuffix(g.name, " a") {
			want = ""
		}
		if g.r.code != 0 || !strings.Contains(g.r.stdout, want+"20") || !strings.Contains(g.r.stdout, "stdout from-a") || strings.Contains(g.r.stderr, "no output") {
			t.Errorf("pipe %s of a resume still going: exit %d\n%s%s", g.name, g.r.code, g.r.stdout, g.r.stderr)
		}
		if want != "" && !strings.Contains(g.r.stdout, "[b] ") {
			t.Errorf("pipe %s of a resume still going lacks b:\n%s%s", g.name, g.r.stdout, g.r.stderr)
		}
	}
	if err := run.Wait(); err != nil {
		t.Fatalf("the resume: %v", err)
	}
	// Ended: as without -f.
	for _, args := range [][]string{{"logs", "last", "a"}, {"logs", "last"}, {"logs", "last", "a", "b"}} {
		plain := pipeIn(t, dir, nil, args...)
		f := pipeIn(t, dir, nil, append(args, "-f")...)
		if plain.code != 0 || !strings.Contains(plain.stdout, "from-a") || f.code != plain.code || f.stdout != plain.stdout {
			t.Errorf("pipe %s: exit %d\n%s%s\nwith -f: exit %d\n%s%s", strings.Join(args, " "), plain.code, plain.stdout, plain.stderr, f.code, f.stdout, f.stderr)
		}
	}
	for _, args := range [][]string{{"logs", "-f", "last", "c", "nosuch"}, {"logs", "-f", "last", "nosuch"}, {"logs", "-f", "last", "a", "nosuch"}} {
		r := pipeIn(t, dir, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, `has no node "nosuch"`) || strings.Contains(r.stderr, "printed nothing") {
			t.Errorf("pipe %s: exit %d, want 1 and no node\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		if args[3] == "a" && !strings.Contains(r.stdout, "[a] ") {
			t.Errorf("pipe %s: a's log not printed\n%s%s", strings.Join(args, " "), r.stdout, r.stderr)
		}
	}
}
