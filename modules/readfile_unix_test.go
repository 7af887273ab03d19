//go:build unix

package modules_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pipe-run/pipe/modules"
)

// ReadFile reads a regular file within its limit and refuses, before
// reading, what would be read without end: a device, a FIFO with no writer
// (which would block the open itself), a file past the limit.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.csv")
	if err := os.WriteFile(small, []byte("a,b\n1,2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		limit      int64
		want       string // "" for success
		notRegular bool
	}{
		{"a small file", small, 100, "", false},
		{"a file at the limit", small, 8, "", false},
		{"a file past the limit", small, 7, "data file " + small + " is 8 B, too big: pipe reads at most 7 B", false},
		{"a device", "/dev/zero", 1 << 20, "data file /dev/zero is a device: not a regular file", true},
		{"the null device: empty", "/dev/null", 1 << 20, "", false},
		{"a FIFO with no writer", fifo, 1 << 20, "data file " + fifo + " is a FIFO (named pipe)", true},
		{"a directory", dir, 1 << 20, "read " + dir + ": is a directory", false},
		{"missing", filepath.Join(dir, "nope"), 1 << 20, "no such file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := modules.ReadFile(tc.path, tc.limit, "data file")
			if tc.path == "/dev/null" {
				if err != nil || len(data) != 0 {
					t.Fatalf("got %q, %v; want nothing", data, err)
				}
				return
			}
			if tc.want == "" {
				if err != nil || string(data) != "a,b\n1,2\n" {
					t.Fatalf("got %q, %v; want the file", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if got := errors.Is(err, modules.ErrNotRegular); got != tc.notRegular {
				t.Errorf("errors.Is(err, ErrNotRegular) = %v, want %v", got, tc.notRegular)
			}
		})
	}
}
