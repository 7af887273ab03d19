package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The first Ctrl-C ends pipe at once while it reads its pipeline from
// standard input, part of it written and its writer still open: exit 130,
// not a wait for the writer and then "file is empty" or another problem
// of half a file.
func TestReadingStdinStopsAtTheFirstInterrupt(t *testing.T) {
	for _, args := range [][]string{{"run", "-"}, {"graph", "-"}, {"validate", "-"}, {"explain", "-"}, {"run", "-", "--n", "3"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			cmd := exec.Command(pipeBin, args...)
			cmd.Stdin = r
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r.Close()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			w.WriteString("name: p\n")
			// Once pipe has taken what was written, it is reading its file:
			// its signal handling is set up.
			for {
				n, err := unix.IoctlGetInt(int(w.Fd()), unix.TIOCINQ)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
				select {
				case err := <-exited:
					t.Fatalf("pipe ended early: %v\n%s", err, stderr.String())
				case <-time.After(10 * time.Millisecond):
				}
			}
			cmd.Process.Signal(os.Interrupt)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				w.Close() // let a pipe that waits for the writer go on
				<-exited
				t.Errorf("pipe did not stop at the first SIGINT while it read its pipeline\n%s", stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
				t.Errorf("exit %d after SIGINT, want %d\n%s", code, exitInterrupted, stderr.String())
			}
		})
	}
}
