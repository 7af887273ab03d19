//go:build unix

package football

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// Read refuses a data source that would be read without end, before
// reading it: a FIFO with no writer (opening it would wait for one, past
// the node's time-out and Ctrl-C) and a device such as /dev/zero (read
// until memory ran out: 3 GB in seconds).
func TestReadRefusesWhatHasNoEnd(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "matches.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{fifo, "/dev/zero"} {
		_, _, err := Read(context.Background(), source, t.TempDir())
		if !errors.Is(err, modules.ErrNotRegular) {
			t.Errorf("Read(%s): %v, want a refusal (not a regular file)", source, err)
		}
	}
}
