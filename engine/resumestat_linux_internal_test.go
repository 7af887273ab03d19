//go:build linux

package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// A big file a node that does not cache reads is recorded for --resume by
// its stat signature, not its content: unchanged, the node is kept
// without a hash; written in any way, even to the same size with its
// modified time set back, it runs again (its changed time moved); a
// record of an earlier pipe, which holds its content hash, is compared by
// content. A file as new as the file system's clock tick is hashed.
func TestResumeComparesABigFileByItsStatSignature(t *testing.T) {
	big := bytes.Repeat([]byte("a"), contentLimit+1)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, tt := range []struct {
		name string
		// change changes the file (at path) after the first run.
		change func(t *testing.T, path string)
		// byContent records the content hash, as an earlier pipe did.
		byContent bool
		want      string // why the node runs again; "" kept
	}{
		{name: "unchanged", change: func(*testing.T, string) {}},
		{name: "touched", change: func(t *testing.T, path string) { chtimes(t, path, past.Add(time.Minute)) }, want: "its file big.bin changed"},
		{name: "rewritten, same size, its modified time set back", change: func(t *testing.T, path string) {
			writeBig(t, path, bytes.Repeat([]byte("b"), contentLimit+1))
			chtimes(t, path, past)
		}, want: "its file big.bin changed"},
		{name: "an earlier pipe's record, unchanged", byContent: true, change: func(*testing.T, string) {}},
		{name: "an earlier pipe's record, rewritten", byContent: true, change: func(t *testing.T, path string) {
			writeBig(t, path, bytes.Repeat([]byte("b"), contentLimit+1))
			chtimes(t, path, past)
		}, want: "its file big.bin changed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			saved := racyWindow
			racyWindow = 0 // the file was written a moment ago
			defer func() { racyWindow = saved }()
			dir := t.TempDir()
			path := filepath.Join(dir, "big.bin")
			writeBig(t, path, big)
			chtimes(t, path, past)
			c := bigFileCore(t, dir)
			recorded, err := c.plan.fileDigests(context.Background(), 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := recorded["file:big.bin"]; !isStatSignature(d) {
				t.Fatalf("recorded %q for a big file, want its stat signature", d)
			}
			if tt.byContent {
				content, err := fileDigest(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				recorded["file:big.bin"] = content
			}
			// Past the file system's clock tick (a few milliseconds) the
			// signature was taken in: racyWindow, set to 0, guards it
			// otherwise.
			time.Sleep(20 * time.Millisecond)
			tt.change(t, path)
			if got := c.whyFilesChanged(0, recorded, nil); got != tt.want {
				t.Errorf("why it runs again: %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("as new as the clock tick", func(t *testing.T) {
		dir := t.TempDir()
		writeBig(t, filepath.Join(dir, "big.bin"), big)
		d, err := bigFileCore(t, dir).plan.fileDigests(context.Background(), 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := d["file:big.bin"]; isStatSignature(got) || strings.TrimSpace(got) == "" {
			t.Errorf("a file written just now: %q, want its content hash", got)
		}
	})
}

// bigFileCore is the core of a run of a node that reads big.bin in dir.
func bigFileCore(t *testing.T, dir string) *core {
	t.Helper()
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "read", AnyInputs: true, New: func() modules.Module { return nil }})
	plan, err := Parse("p.yaml", []byte("nodes:\n  n: {module: read, files: [big.bin]}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	plan.BaseDir = dir
	c, err := newCore(plan, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeBig(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func chtimes(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// A big file's signature names its device beside its inode (an inode
// number is only unique within one file system), and a file on a network
// file system, whose client caches its times, gets none: it is hashed.
func TestStatSignatureNamesTheDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sig, ok := statSignature(path, fi, time.Now().Add(time.Hour))
	st := fi.Sys().(*syscall.Stat_t)
	if !ok || !strings.Contains(sig, fmt.Sprintf(",dev=%d,ino=%d", st.Dev, st.Ino)) {
		t.Errorf("signature %q (%t), want the device and the inode", sig, ok)
	}
	if !networkFS[0x6969] {
		t.Error("NFS is not a network file system")
	}
}
