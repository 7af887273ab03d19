//go:build unix

package engine

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
	"github.com/pipe-run/pipe/modules"
)

// TestWrittenFiles: what the key holds of a file a node may write: its
// content, that there is none, or, never read, that it is no regular
// file (a FIFO would wait for a writer for ever).
func TestWrittenFiles(t *testing.T) {
	dir := t.TempDir()
	reg := modules.NewRegistry()
	reg.Register(modules.Info{Name: "save", Inputs: []modules.Field{{Name: "model", Type: modules.String, Writes: true}, {Name: "x", Type: modules.String}},
		New: func() modules.Module { return nil }})
	plan, err := Parse("p.yaml", []byte("nodes:\n  n: {module: save, cache: true}\n"), reg)
	if err != nil {
		t.Fatal(err)
	}
	plan.BaseDir = dir
	os.WriteFile(filepath.Join(dir, "m.json"), []byte("{}"), 0o644)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, tc := range []struct {
		model, name, digest string
	}{
		{"m.json", "file:m.json", cachestore.Digest([]byte("{}"))},
		{"./sub/../m.json", "file:m.json", cachestore.Digest([]byte("{}"))},
		{"gone.json", "file:gone.json", noFile},
		{"d", "file:d", "not a regular file: d---------"},
		{"fifo", "file:fifo", "not a regular file: p---------"},
		{"https://example.org/m.json", "", ""},
		{"", "", ""},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a FIFO read would block: fail, not hang
		got, err := plan.writtenFiles(ctx, 0, map[string]any{"model": tc.model, "x": "m.json"})
		cancel()
		if err != nil {
			t.Errorf("%q: %v", tc.model, err)
			continue
		}
		if tc.name == "" {
			if len(got) != 0 {
				t.Errorf("%q: %v, want none", tc.model, got)
			}
			continue
		}
		if len(got) != 1 || got[0].ing.Name != tc.name || got[0].ing.Digest != tc.digest {
			t.Errorf("%q: %+v, want %s %s", tc.model, got, tc.name, tc.digest)
		}
	}
}
