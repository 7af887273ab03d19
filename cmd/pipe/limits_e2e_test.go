//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
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
	stdout, stderr, rss := runFailing(t, "run", file, "--runs-dir", runs, "--json")
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

// TestOverTheRunsLimit runs nodes that each give 4 MB, under the limit
// for one node, 300 times: the run's outputs would pass
// engine.MaxRunValueBytes. The nodes past it fail with a message that says
// what to do, the run goes on to its clean-up node and writes its record,
// and pipe's memory stays bounded: only the nodes running hold their 4 MB
// input. Before the limit, 100 such instances took 3.3 GB and wrote an
// 800 MB record, and 300 instances, or 300 nodes, ran pipe out of memory,
// with no record; with the limit but every input resolved as its node was
// readied (a foreach's all at once), 300 instances took 1.9 GB.
func TestOverTheRunsLimit(t *testing.T) {
	var roots strings.Builder
	for i := range 300 {
		fmt.Fprintf(&roots, "  n%d: {module: echo, with: {v: \"${{ repeat('x', 4000000) }}\"}}\n", i)
	}
	for _, tt := range []struct {
		name, nodes string
		summary     []string
	}{
		{
			name: "a foreach",
			nodes: `  fan:
    module: echo
    foreach: ${{ 1..300 }}
    with: {v: "${{ repeat('x', 4000000) }}"}
  after:
    module: echo
    needs: fan
    when: always()
    with: {ok: "${{ len(filter(nodes.fan.items, .status == 'success')) }}"}
`,
			// Each instance's 4 MB count twice (the fan-in lists them
			// again): 33 fit under 256 MiB.
			summary: []string{
				"(34 success, 267 error)", // 33 instances, and after: the clean-up node ran
				"outputs of 4.0 MB (twice: its node's fan-in lists them again) would bring the outputs of the run to 272.0 MB, over its 256 MiB limit for values: write large data to a file and output its path",
			},
		},
		{
			name:  "nodes",
			nodes: roots.String() + "  after: {module: echo, needs: n0, when: always()}\n",
			summary: []string{
				"(68 success, 233 error)", // 67 nodes, and after: the clean-up node ran
				"outputs of 4.0 MB would bring the outputs of the run to 272.0 MB, over its 256 MiB limit for values: write large data to a file and output its path",
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			runs := filepath.Join(dir, "runs")
			file := filepath.Join(dir, "big.yaml")
			os.WriteFile(file, []byte("name: big\nnodes:\n"+tt.nodes), 0o644)
			stdout, _, rss := runFailing(t, "run", file, "--runs-dir", runs)
			t.Logf("pipe's peak resident size: %d MB", rss>>20)
			if rss > 1<<30 {
				t.Errorf("pipe's peak resident size was %d MB, want under 1 GB: the run's outputs are bounded at %d MiB, and a node holds its inputs only while it runs", rss>>20, engine.MaxRunValueBytes>>20)
			}
			out := stdout.String()
			for _, want := range tt.summary {
				if !strings.Contains(out, want) {
					t.Errorf("the summary lacks %q:\n%s", want, tail(out))
				}
			}
			records, _ := filepath.Glob(filepath.Join(runs, "*.json"))
			if len(records) != 1 {
				t.Fatalf("records %v, want one", records)
			}
			info, err := os.Stat(records[0])
			if err != nil || info.Size() > engine.MaxRunValueBytes+1<<20 {
				t.Errorf("the record: %v, %d MB; want it under the run's limit", err, info.Size()>>20)
			}
		})
	}
}

// runFailing runs the built binary with args, wanting exit 1 (a node
// failed), and returns what it wrote and its peak resident size in bytes.
func runFailing(t *testing.T, args ...string) (stdout, stderr *bytes.Buffer, rss int64) {
	t.Helper()
	cmd := exec.Command(pipeBin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1 (a node failed)\n%s", err, tail(stderr.String()))
	}
	return stdout, stderr, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
}
