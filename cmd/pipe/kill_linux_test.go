//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// sleepers is a pipeline whose nodes sleep, as a program (argv) and under a
// shell (the shell's child is the sleep), beside a node that ends at once
// and one that waits for a sleeper and so never starts.
const sleepers = `name: sleepers
nodes:
  quick: {module: exec, with: {command: [true]}}
  argv1: {module: exec, with: {command: [sleep, "300"]}}
  argv2: {module: exec, with: {command: [sleep, "301"]}}
  argv3: {module: exec, with: {command: [sleep, "302"]}}
  shell1: {module: exec, with: {command: "sleep 300; echo x"}}
  shell2: {module: exec, with: {command: "sleep 301; echo x"}}
  shell3: {module: exec, with: {command: "sleep 302; echo x"}}
  stubborn: {module: exec, with: {command: "trap '' TERM; sleep 303; echo x"}}
  after: {module: echo, needs: argv1}
`

// TestKilledOutright SIGKILLs pipe while its nodes run: every process of
// the nodes' groups must die with it, and the next pipe run must turn the
// journal left behind into a record of the run, interrupted.
func TestKilledOutright(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sleepers.yaml")
	if err := os.WriteFile(file, []byte(sleepers), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir, "--max-parallel", "10")
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Wait for the seven sleeps (four under a shell) and for the quick node
	// to reach the journal.
	var groups map[int]bool
	var journal string
	t.Cleanup(func() { // a failed test leaves no sleeps behind
		for g := range groups {
			syscall.Kill(-g, syscall.SIGKILL)
		}
	})
	waitUntil(t, 20*time.Second, func() bool {
		groups = childGroups(cmd.Process.Pid)
		journal = journalOf(t, dir)
		data, _ := os.ReadFile(journal)
		return countIn(groups, "sleep") == 7 && bytes.Contains(data, []byte(`"node":"quick"`))
	}, func() string {
		data, _ := os.ReadFile(journal)
		return fmt.Sprintf("%d sleeps in %d groups, journal %s:\n%s\n%s", countIn(groups, "sleep"), len(groups), journal, data, stderr.String())
	})

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	waitUntil(t, 5*time.Second, func() bool { return len(alive(groups)) == 0 },
		func() string { return "processes outlived pipe's SIGKILL: " + strings.Join(alive(groups), ", ") })

	// The next run in that directory recovers the journal.
	quick := filepath.Join(dir, "quick.yaml")
	os.WriteFile(quick, []byte("name: quick\nnodes:\n  a: {module: echo}\n"), 0o644)
	r := pipe(t, "run", quick, "--runs-dir", dir)
	id := strings.TrimSuffix(filepath.Base(journal), ".events.jsonl")
	if r.code != 0 || !strings.Contains(r.stderr, id) {
		t.Errorf("pipe run after the kill: exit %d, want a line about run %s\n%s", r.code, id, r.stderr)
	}
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("the journal is still there: %v", err)
	}
	rec, err := engine.ReadRecord(filepath.Join(dir, id+".json"))
	if err != nil {
		t.Fatalf("no record of the killed run: %v", err)
	}
	if rec.Status != engine.StatusInterrupted || rec.Pipeline != "sleepers" {
		t.Errorf("run %s of %q, want interrupted of sleepers (%s)", rec.Status, rec.Pipeline, rec.Reason)
	}
	want := map[string]engine.Status{"quick": engine.StatusSuccess, "argv1": engine.StatusLost, "shell3": engine.StatusLost, "stubborn": engine.StatusLost, "after": engine.StatusLost}
	for node, st := range want {
		if n := rec.Nodes[node]; n == nil || n.Status != st {
			t.Errorf("node %s: %+v, want %s", node, n, st)
		}
	}
	// argv1 ran, silent, until pipe died: its logs do not say it never
	// ran.
	if l := pipe(t, "logs", id, "argv1", "--runs-dir", dir); l.code != 1 || strings.Contains(l.stderr, "never ran") || !strings.Contains(l.stderr, "left no output (lost") {
		t.Errorf("pipe logs of a node lost with pipe: exit %d\n%s", l.code, l.stderr)
	}
}

// journalOf returns the one journal in dir, or "".
func journalOf(t *testing.T, dir string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.events.jsonl"))
	if len(m) > 1 {
		t.Fatalf("%d journals in %s", len(m), dir)
	}
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// procInfo is what /proc/PID/stat says of a process.
type procInfo struct {
	pid, ppid, pgid int
	state           byte
	comm            string
}

// procs lists the processes of the machine.
func procs() []procInfo {
	ents, _ := os.ReadDir("/proc")
	var out []procInfo
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone
		}
		// comm is in parentheses and may hold spaces: split after the last ')'.
		s := string(data)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < 0 {
			continue
		}
		f := strings.Fields(s[end+1:])
		if len(f) < 3 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		pgid, _ := strconv.Atoi(f[2])
		out = append(out, procInfo{pid: pid, ppid: ppid, pgid: pgid, state: f[0][0], comm: s[open+1 : end]})
	}
	return out
}

// childGroups returns the process groups of pid's children that run
// nodes (sh or sleep): pipe puts each program in a group of its own.
func childGroups(pid int) map[int]bool {
	groups := map[int]bool{}
	for _, p := range procs() {
		if p.ppid == pid && (p.comm == "sleep" || p.comm == "sh") {
			groups[p.pgid] = true
		}
	}
	return groups
}

// countIn counts the live processes named comm in groups.
func countIn(groups map[int]bool, comm string) int {
	n := 0
	for _, p := range procs() {
		if groups[p.pgid] && p.comm == comm && p.state != 'Z' {
			n++
		}
	}
	return n
}

// alive names the processes of groups that still run (zombies are dead:
// they wait only for their new parent to reap them).
func alive(groups map[int]bool) []string {
	var out []string
	for _, p := range procs() {
		if groups[p.pgid] && p.state != 'Z' {
			out = append(out, p.comm+" "+strconv.Itoa(p.pid))
		}
	}
	return out
}

// A run recovered from its journal knows its nodes' definitions and its
// config, as a record pipe wrote does: --resume of it runs again a node
// that reads a config value changed since, and keeps what succeeded when
// nothing changed.
func TestResumeOfARecoveredRunChecksConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.yaml")
	release := filepath.Join(dir, "release")
	src := fmt.Sprintf(`name: p
config: {V: one}
nodes:
  q: {module: exec, with: {command: "echo ${{ config.V }}"}}
  l: {module: exec, needs: q, with: {command: "test -f %s || sleep 30"}}
`, release)
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir)
	groups := startKillable(t, cmd)
	waitUntil(t, 20*time.Second, func() bool {
		*groups = childGroups(cmd.Process.Pid)
		data, _ := os.ReadFile(journalOf(t, dir))
		return countIn(*groups, "sleep") == 1 && bytes.Contains(data, []byte(`"node":"q"`))
	}, func() string { return "the run did not reach its sleep" })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	r := pipe(t, "run", file, "--runs-dir", dir, "--resume", "last", "--set", "V=two", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "what it reads changed: config V (two, was one)") {
		t.Errorf("resume with V changed: exit %d, want 0 and q run again for V\n%s%s", r.code, r.stdout, r.stderr)
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if rec := lastRunRecord(t, dir); rec.Nodes["q"].Definition == "" {
		t.Errorf("the recovered record of q has no definition: %+v", rec.Nodes["q"])
	}
	r = pipe(t, "run", file, "--runs-dir", dir, "--resume", "last")
	if r.code != 0 || !strings.Contains(r.stdout, "kept from run") {
		t.Errorf("resume with nothing changed: exit %d, want 0 and q kept\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// startKillable starts cmd, a pipe, and kills it when the test ends, and
// the process groups the test last saw under it (what the returned map
// holds): a failed test leaves no program behind.
func startKillable(t *testing.T, cmd *exec.Cmd) *map[int]bool {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	groups := new(map[int]bool)
	t.Cleanup(func() {
		cmd.Process.Kill()
		for g := range *groups {
			syscall.Kill(-g, syscall.SIGKILL)
		}
	})
	return groups
}

// pipe logs, the first command after pipe was killed outright, recovers
// the run as pipe runs would: its running node was lost, and says so, not
// that it printed nothing.
func TestLogsRecoverAKilledRun(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "slow.yaml")
	os.WriteFile(file, []byte("name: slow\nnodes:\n  slow: {module: exec, with: {command: [sleep, \"300\"]}}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var groups map[int]bool
	t.Cleanup(func() {
		for g := range groups {
			syscall.Kill(-g, syscall.SIGKILL)
		}
	})
	waitUntil(t, 20*time.Second, func() bool {
		groups = childGroups(cmd.Process.Pid)
		return countIn(groups, "sleep") == 1 && journalOf(t, dir) != ""
	}, func() string { return "the sleep never started" })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	waitUntil(t, 5*time.Second, func() bool { return len(alive(groups)) == 0 },
		func() string { return "processes outlived pipe's SIGKILL: " + strings.Join(alive(groups), ", ") })
	l := pipe(t, "logs", "last", "slow", "--runs-dir", dir)
	if l.code != 1 || !strings.Contains(l.stderr, "left no output (lost") || strings.Contains(l.stderr, "printed nothing") {
		t.Errorf("pipe logs after the kill: exit %d\n%s", l.code, l.stderr)
	}
	if j := journalOf(t, dir); j != "" {
		t.Errorf("the journal %s is still there: the run was not recovered", j)
	}
}
