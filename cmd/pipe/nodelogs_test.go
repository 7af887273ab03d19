package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// A node kept by --resume, a child of a kept pipeline node (or of a kept
// instance), and a foreach node kept through its instances find the run
// they were kept from.
func TestKeptFrom(t *testing.T) {
	dir := t.TempDir()
	ok := engine.StatusSuccess
	rec := &engine.Record{ID: "20261127T000001Z-bbbbbbbb", Pipeline: "p", Status: ok, Nodes: map[string]*engine.NodeRecord{
		"p":      {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"p/a":    {Module: "exec", Status: ok},
		"f":      {Module: "pipeline", Status: ok, Items: []string{"x", "y"}},
		"f[x]":   {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"f[y]":   {Module: "pipeline", Status: ok, Reason: engine.KeptPrefix + "r0"},
		"f[x]/a": {Module: "exec", Status: ok},
		"n":      {Module: "exec", Status: ok},
	}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	for node, want := range map[string]string{"p": "r0", "p/a": "r0", "f": "r0", "f[x]/a": "r0", "n": "", "nope": ""} {
		if got := newRunRecords(dir).keptFrom(rec.ID, node); got != want {
			t.Errorf("keptFrom(%s) = %q, want %q", node, got, want)
		}
	}
}

// countWriter counts the writes made to it.
type countWriter struct {
	bytes.Buffer
	writes int
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// pipe logs writes its output in blocks, not a write a line: through a
// pipe, each write is a system call.
func TestLogsWritesInBlocks(t *testing.T) {
	dir := t.TempDir()
	rec := &engine.Record{ID: "20261127T000001Z-bbbbbbbb", Pipeline: "p", Status: engine.StatusSuccess,
		Nodes: map[string]*engine.NodeRecord{"a": {Module: "exec", Status: engine.StatusSuccess}}}
	if _, err := engine.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
	log := strings.Repeat("2026-11-27T00:00:01.000Z stdout a line\n", 10000)
	os.MkdirAll(filepath.Join(dir, rec.ID), 0o755)
	os.WriteFile(filepath.Join(dir, rec.ID, "a.log"), []byte(log), 0o600)
	for _, node := range []string{"a", ""} {
		out := &countWriter{}
		e := &env{ctx: context.Background(), stdout: out, stderr: io.Discard, logs: newLogs(io.Discard, false, "text")}
		if err := (&logsCmd{Ref: "last", Node: node, RunsDir: dir}).Run(e); err != nil {
			t.Fatal(err)
		}
		want := log
		if node == "" {
			want = strings.ReplaceAll("\n"+log, "\n2026", "\n[a] 2026")[1:]
		}
		if out.String() != want {
			t.Errorf("logs %q: printed %d bytes, want %d", node, out.Len(), len(want))
		}
		if out.writes > 10 {
			t.Errorf("logs %q: %d writes for 10,000 lines", node, out.writes)
		}
	}
}

// Lines longer than the reader's buffer come out as they were written,
// one after another (kept nodes' logs and logs -f copy them this way).
func TestCopyFromLongLines(t *testing.T) {
	var log strings.Builder
	for i, n := range []int{10, 70 << 10, 200 << 10, 5, 130 << 10, 64 << 10} {
		log.WriteString("2026-11-27T00:00:01.000Z stdout " + strings.Repeat(string(rune('a'+i)), n) + "\n")
	}
	path := filepath.Join(t.TempDir(), "a.log")
	os.WriteFile(path, []byte(log.String()+"a line still being writ"), 0o600)
	var out bytes.Buffer
	end, err := copyFrom(&out, path, 0, "[a] ")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll("\n"+log.String(), "\n2026", "\n[a] 2026")[1:]
	if out.String() != want || end != int64(log.Len()) {
		t.Errorf("copied %d bytes up to offset %d, want the %d bytes of the whole lines up to %d", out.Len(), end, len(want), log.Len())
	}
}
