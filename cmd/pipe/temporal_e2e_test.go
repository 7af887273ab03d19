//go:build !notemporal

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// Durability on a real Temporal server, with the built binary: workers
// and clients are processes that die. .ci/run starts the server and sets
// PIPE_TEMPORAL_ADDRESS; without it these tests skip.

func temporalAddress(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("PIPE_TEMPORAL_ADDRESS")
	if addr == "" && os.Getenv("PIPE_TEMPORAL_REQUIRED") != "" {
		t.Fatal("PIPE_TEMPORAL_REQUIRED is set and PIPE_TEMPORAL_ADDRESS is not: the Temporal tests must run")
	}
	if addr == "" {
		t.Skip("no Temporal server: run `eval \"$(.ci/temporal/start)\"` (see .ci/temporal/README.md) to run the Temporal tests; .ci/run does")
	}
	return addr
}

// proc is a pipe process started in the background.
type proc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer // written by the process, read by the test
	done   chan struct{}
}

// startDaemon starts the built binary in dir; it is killed when the test ends.
func startDaemon(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(pipeBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	p := &proc{cmd: cmd, stderr: new(syncBuffer), done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stderr, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitFile waits for a file to appear and returns its contents.
func waitFile(t *testing.T, path string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not appear within %v", path, within)
	return ""
}

func TestTemporalWorkerKilled(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-kill-" + engine.NewRunID()
	// The slow node writes the pid of the worker that runs it, then works.
	pipeline := filepath.Join(dir, "p.yaml")
	os.WriteFile(pipeline, []byte(`
name: durable
nodes:
  first: {module: echo, with: {x: 1}}
  slow:
    module: exec
    needs: first
    with:
      command: [sh, -c, '[ -e "$MARK" ] || echo $$ > "$MARK"; sleep 3; echo "{\"ok\": true}"']
      env: {MARK: `+filepath.Join(dir, "running")+`}
  last: {module: echo, needs: slow, with: {ok: "${{ nodes.slow.outputs.ok }}"}}
`), 0o644)
	var workers []*proc
	for i := range 2 {
		w := startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue, "--name", fmt.Sprintf("w%d", i))
		workers = append(workers, w)
	}
	run := startDaemon(t, dir, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--heartbeat", "2s")
	var shPid int
	fmt.Sscanf(waitFile(t, filepath.Join(dir, "running"), 60*time.Second), "%d", &shPid)
	victim := workerRunning(t, workers, shPid)
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-run.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the run did not end after a worker was killed:\n%s", run.stderr)
	}
	if code := run.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("pipe run --on exited %d after a worker was killed:\n%s", code, run.stderr)
	}
	rec := lastRecord(t, dir)
	slow := rec.Nodes["slow"]
	if slow.Status != engine.StatusSuccess || slow.Attempts != 2 {
		t.Errorf("slow: %s after %d attempts (%s), want success after 2 (the first lost with its worker)", slow.Status, slow.Attempts, slow.Reason)
	}
	if rec.Status != engine.StatusSuccess {
		t.Errorf("run %s: %s", rec.Status, rec.Reason)
	}
}

// workerRunning returns the worker whose process runs the node's program:
// the one the program descends from.
func workerRunning(t *testing.T, workers []*proc, shPid int) *proc {
	t.Helper()
	for pid := shPid; pid > 1; pid = parentOf(pid) {
		for _, w := range workers {
			if w.cmd.Process.Pid == pid {
				return w
			}
		}
	}
	t.Fatalf("no worker is an ancestor of the node's program (pid %d)", shPid)
	return nil
}

func parentOf(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "PPid:"); ok {
			var ppid int
			fmt.Sscanf(strings.TrimSpace(v), "%d", &ppid)
			return ppid
		}
	}
	return 0
}

func lastRecord(t *testing.T, dir string) *engine.Record {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, ".pipe", "runs", "*.json"))
	if len(matches) == 0 {
		t.Fatal("no run record written")
	}
	rec, err := engine.ReadRecord(matches[len(matches)-1])
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestTemporalClientKilled(t *testing.T) {
	addr := temporalAddress(t)
	dir := t.TempDir()
	queue := "e2e-client-" + engine.NewRunID()
	os.WriteFile(filepath.Join(dir, "p.yaml"), []byte(`
name: client
nodes:
  slow: {module: exec, with: {command: [sh, -c, 'sleep 2; echo "{\"done\": true}"']}}
  after: {module: echo, needs: slow, with: {done: "${{ nodes.slow.outputs.done }}"}}
`), 0o644)
	startDaemon(t, dir, "worker", "--temporal", addr, "--task-queue", queue)
	client := startDaemon(t, dir, "run", "p.yaml", "--on", "temporal://"+addr+"/default", "--task-queue", queue, "--log-format", "json")
	// Wait until the run has started, read its id, and kill the client.
	var id string
	deadline := time.Now().Add(60 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		for _, line := range strings.Split(client.stderr.String(), "\n") {
			var l struct{ Msg, Run string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "run started on Temporal" {
				id = l.Run
			}
		}
	}
	if id == "" {
		t.Fatalf("no run id in the client's log:\n%s", client.stderr)
	}
	// While the client follows it, the runs directory lists the run as
	// going.
	listed := false
	for deadline := time.Now().Add(10 * time.Second); !listed && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		r := pipeIn(t, dir, nil, "runs")
		listed = strings.Contains(r.stdout, id+"  running")
	}
	if !listed {
		t.Errorf("pipe runs does not list run %s as running while its client follows it:\n%s", id, pipeIn(t, dir, nil, "runs").stdout)
	}
	client.cmd.Process.Signal(syscall.SIGKILL)
	<-client.done
	// The client died: the run is recovered as interrupted, with where it
	// may go on and how to follow it.
	if r := pipeIn(t, dir, nil, "show", id); !strings.Contains(r.stdout, "interrupted") ||
		!strings.Contains(r.stdout, "pipe status "+id+" --on temporal://"+addr+"/default --wait") {
		t.Errorf("pipe show of a run whose client was killed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A new pipe attaches, follows the run to its end and records it.
	res := pipeIn(t, dir, nil, "status", id, "--on", "temporal://"+addr+"/default", "--wait")
	if res.code != 0 {
		t.Fatalf("pipe status --wait exited %d:\n%s%s", res.code, res.stdout, res.stderr)
	}
	rec := lastRecord(t, dir)
	if rec.ID != id || rec.Status != engine.StatusSuccess || rec.Nodes["after"].Outputs["done"] != true {
		t.Errorf("record of %s: %s %s, after's outputs %v", id, rec.ID, rec.Status, rec.Nodes["after"].Outputs)
	}
	// The run is over: status says so without waiting.
	res = pipeIn(t, dir, nil, "status", id, "--on", "temporal://"+addr+"/default")
	if res.code != 0 || !strings.Contains(res.stdout, "success in") {
		t.Errorf("pipe status of an ended run: %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// Bad input is a clear error.
	res = pipeIn(t, dir, nil, "status", "no-such-run", "--on", "temporal://"+addr+"/default")
	if res.code != 1 || !strings.Contains(res.stderr, "no run no-such-run") {
		t.Errorf("status of an unknown run: %d\n%s", res.code, res.stderr)
	}
}
