//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// TestEndlessOutput runs a node that writes without end until its
// time-out: the run ends and is recorded, the record holds a short marked
// excerpt, the node's log file holds the output up to its bound, the
// writer is gone, and pipe's memory stayed bounded (a limit on the peak
// resident size the kernel reports, not a timing).
func TestEndlessOutput(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	pidFile := filepath.Join(dir, "pid")
	file := filepath.Join(dir, "endless.yaml")
	os.WriteFile(file, []byte(`name: endless
nodes:
  flood:
    module: exec
    timeout: 2s
    with: {command: "echo $$ > `+pidFile+`; exec yes 'a line of output that goes on and on'"}
  after: {module: echo, needs: flood}
`), 0o644)
	cmd := exec.Command(pipeBin, "run", file, "--runs-dir", runs, "--json")
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1 (a node failed)\n%s", err, tail(stderr.String()))
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	if rss > 200<<20 {
		t.Errorf("pipe's peak resident size was %d MB: a node's output must not be kept in memory", rss>>20)
	}
	t.Logf("pipe's peak resident size: %d MB", rss>>20)

	var rec engine.Record
	if err := json.Unmarshal(stdout.Bytes(), &rec); err != nil {
		t.Fatalf("--json: %v\n%s", err, tail(stderr.String()))
	}
	if _, err := os.Stat(filepath.Join(runs, rec.ID+".json")); err != nil {
		t.Errorf("no record written: %v", err)
	}
	n := rec.Nodes["flood"]
	if n.Status != engine.StatusError || !strings.Contains(n.Message, "timed out") {
		t.Errorf("node flood: %s %q, want an error at its time-out", n.Status, n.Message)
	}
	logFile := filepath.Join(runs, rec.ID, "flood.log")
	excerpt, _ := n.Outputs["stdout"].(string)
	// The log holds the output's start, or all of it when its bound was
	// not reached before the time-out.
	if len(excerpt) > 64<<10 || !strings.Contains(excerpt, " cut; its start is in "+logFile) && !strings.Contains(excerpt, " cut; the whole output is in "+logFile) {
		t.Errorf("stdout output is %d bytes and should be a short excerpt naming %s:\n%.500s", len(excerpt), logFile, excerpt)
	}
	info, err := os.Stat(logFile)
	if err != nil {
		t.Fatalf("the node's log file: %v", err)
	}
	t.Logf("log file: %d MB", info.Size()>>20)
	if info.Size() > 256<<20 {
		t.Errorf("log file is %d MB, over its 256 MiB bound", info.Size()>>20)
	}
	if f, err := os.Open(logFile); err == nil {
		first := make([]byte, 100)
		f.Read(first)
		f.Close()
		if !bytes.Contains(first, []byte(" stdout a line of output that goes on and on\n")) {
			t.Errorf("log file starts %q", first)
		}
	}
	data, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if state, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); pid > 0 && err == nil && !strings.Contains(string(state), ") Z ") {
		t.Errorf("the writer %d is still running", pid)
	}
}

// tail is the end of a long text, for failure messages.
func tail(s string) string { return s[max(0, len(s)-2000):] }
