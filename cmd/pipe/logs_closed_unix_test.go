//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pipe logs | head: a closed output ends logs, exit 0 and quietly, as pipe
// run | true after its run ended (it was killed by SIGPIPE, exit 141).
func TestLogsToAClosedOutput(t *testing.T) {
	dir, id := oneRun(t)
	line := "2099-11-27T15:00:06.000Z stdout " + strings.Repeat("x", 60) + "\n"
	os.WriteFile(filepath.Join(dir, ".pipe/runs", id, "a.log"), []byte(strings.Repeat(line, 40000)), 0o600)
	for _, args := range [][]string{{"logs"}, {"logs", "last", "a"}, {"logs", "-f", "last"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(pipeBin, args...)
		cmd.Dir = dir
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = w, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		readOneAndClose(t, cmd, r, "pipe "+strings.Join(args, " "))
		if code := cmd.ProcessState.ExitCode(); code != exitOK || stderr.Len() > 0 {
			t.Errorf("pipe %s: %v (exit %d), want exit 0 and nothing said\n%s", strings.Join(args, " "), cmd.ProcessState, code, stderr.String())
		}
	}
	// Closed before the first write: the other commands that run nothing
	// end so too.
	for _, args := range [][]string{{"runs"}, {"show", "--json"}, {"logs", "last", "a"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		cmd := exec.Command(pipeBin, args...)
		cmd.Dir = dir
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = w, &stderr
		err = cmd.Run()
		w.Close()
		if code := cmd.ProcessState.ExitCode(); code != exitOK || stderr.Len() > 0 {
			t.Errorf("pipe %s to a closed output: %v (exit %d), want exit 0 and nothing said\n%s", strings.Join(args, " "), err, code, stderr.String())
		}
	}
}
