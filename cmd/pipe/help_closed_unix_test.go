//go:build unix

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// pipe --help | head -1: every help, and the version, to an output that
// closes ends quietly, exit 0, as pipe logs | head does. Help is printed
// while the command line is parsed, before pipe listened for SIGPIPE: it
// was killed (exit 141), or said "broken pipe" and exited 2 (pipe help
// CMD). Whether the reader goes before the last write is a race: many
// rounds, and an output closed before the first write, which always is.
func TestHelpToAClosedOutput(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"help", "run"}, {"run", "--help"},
		{"run", "pipelines/predict.yaml", "--help"}, {"help", "run", "pipelines/predict.yaml"},
		{"explain", "pipelines/predict.yaml", "--help"},
		{"completion", "bash"}, {"--version"},
	} {
		name := "pipe " + strings.Join(args, " ")
		for round := range 12 {
			early := round%4 == 0 // the reader gone before pipe starts
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(pipeBin, args...)
			cmd.Dir = "../.."
			var stderr strings.Builder
			cmd.Stdout, cmd.Stderr = w, &stderr
			if early {
				r.Close()
				err = cmd.Run()
				w.Close()
			} else {
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				w.Close()
				readOneAndClose(t, cmd, r, name)
			}
			if code := cmd.ProcessState.ExitCode(); code != exitOK || stderr.Len() > 0 {
				t.Errorf("%s (closed before the start: %v): %v (exit %d), want exit 0 and nothing said\n%s",
					name, early, cmd.ProcessState, code, stderr.String())
				break
			}
		}
	}
}
