package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// pipe logs of a run whose pipe was killed outright prints what there was
// and then says the run was interrupted, exit 1, as logs NODE of a lost
// node that printed nothing does; a node that ended before the kill is
// printed as ever, exit 0.
func TestLogsOfAKilledRunSaySo(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "k.yaml")
	os.WriteFile(file, []byte("name: k\nnodes:\n  a: {module: exec, with: {command: 'echo hello; sleep 300'}}\n  b: {module: exec, with: {command: 'echo fine'}}\n"), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", dir)
	groups := startKillable(t, cmd)
	waitUntil(t, 20*time.Second, func() bool {
		*groups = childGroups(cmd.Process.Pid)
		journal := journalOf(t, dir)
		log, _ := os.ReadFile(filepath.Join(strings.TrimSuffix(journal, engine.JournalSuffix), "a.log"))
		ends, _ := os.ReadFile(journal)
		return countIn(*groups, "sleep") == 1 && strings.Contains(string(log), "hello") && strings.Contains(string(ends), `"node":"b","module":"exec","status":"success"`)
	}, func() string { return "the sleep never started, or b never ended" })
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	waitUntil(t, 5*time.Second, func() bool { return len(alive(*groups)) == 0 },
		func() string { return "processes outlived pipe's SIGKILL: " + strings.Join(alive(*groups), ", ") })
	const interrupted = "was interrupted: pipe (pid "
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"the run", nil, 1, "[a] ", interrupted},
		{"the run, -f", []string{"-f"}, 1, "[b] ", "what lost node a printed may stop short"},
		{"the lost node", []string{"a"}, 1, "stdout hello", "node a of run"},
		{"the lost node, -f", []string{"a", "-f"}, 1, "stdout hello", "was lost: pipe ended before this node did"},
		{"a node that ended", []string{"b"}, 0, "stdout fine", ""},
		{"nodes, one lost", []string{"a", "b"}, 1, "[b] ", "node a of run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pipe(t, append([]string{"logs", "last", "--runs-dir", dir}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) || tt.stderr == "" && r.stderr != "" {
				t.Errorf("exit %d, want %d\nstdout %q, want %q\nstderr %q, want %q", r.code, tt.code, r.stdout, tt.stdout, r.stderr, tt.stderr)
			}
		})
	}
}
