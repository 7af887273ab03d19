package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// A run with a journal hands its record the bytes the journal encoded of
// each node that ended, and EncodeRecord copies them: the record is the
// one encoded from its map, byte for byte (runCtx checks that for every
// run of these tests), and the copy is really taken.
func TestRecordCopiesTheJournalsBytes(t *testing.T) {
	tm := newTestModules(t)
	rec := tm.run(t, `nodes:
  a: {module: echo, with: {text: "x\u2028<y>"}}
  b:
    module: echo
    needs: a
    foreach: [1, two, {k: 3}]
    with: {item: "${{ item }}"}
  c: {module: fail, needs: a, continue_on_error: true, with: {message: broke}}
  d: {module: echo, needs: c, when: "1 > 2"}
`, engine.Options{Journal: io.Discard})
	if got := engine.KeptNodes(rec); got != len(rec.Nodes) {
		t.Errorf("EncodeRecord copies %d of %d nodes' bytes from the journal, want all", got, len(rec.Nodes))
	}
}

// A record changed after its run (a node replaced, added or removed) is
// encoded from its map: the journal's bytes are not the nodes' any more.
func TestRecordChangedAfterItsRunEncodesFromItsMap(t *testing.T) {
	tm := newTestModules(t)
	const src = "nodes:\n  a: {module: echo}\n  b: {module: echo, needs: a}\n"
	for _, tt := range []struct {
		name   string
		change func(rec *engine.Record)
		want   string
	}{
		{"replaced", func(rec *engine.Record) {
			rec.Nodes["b"] = &engine.NodeRecord{Module: "echo", Status: engine.StatusError, Message: "replaced"}
		}, `"replaced"`},
		{"added", func(rec *engine.Record) {
			rec.Nodes["a2"] = &engine.NodeRecord{Module: "echo", Status: engine.StatusSkipped, Message: "added"}
		}, `"a2":{"module":"echo","status":"skipped","message":"added"`},
		{"removed and added", func(rec *engine.Record) {
			delete(rec.Nodes, "a")
			rec.Nodes["c"] = &engine.NodeRecord{Module: "echo", Status: engine.StatusSkipped, Message: "added"}
		}, `"c":{"module":"echo","status":"skipped","message":"added"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := tm.run(t, src, engine.Options{Journal: io.Discard})
			tt.change(rec)
			got, err := engine.EncodeRecord(rec)
			if err != nil {
				t.Fatal(err)
			}
			want, err := engine.EncodeRecordFresh(rec)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) || !strings.Contains(string(got), tt.want) {
				t.Errorf("EncodeRecord after the change =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A big run's kept bytes span many blocks, and a node whose record is
// longer than a quarter block gets one of its own; its plan's nodes are
// sorted while it runs, and merged with the instances of its foreach
// nodes and the nodes of its sub-pipelines at the end. Each node's bytes
// are still its own (runCtx compares the record with one encoded from its
// map).
func TestRecordBytesOfABigRun(t *testing.T) {
	const n = engine.PresortNodes + 1000
	var src strings.Builder
	src.WriteString("nodes:\n")
	for k := range n {
		text := "short"
		if k%10_000 == 7 {
			text = strings.Repeat("long ", 60_000) // 300 kB
		}
		fmt.Fprintf(&src, "  n%d: {module: echo, with: {text: %q}}\n", k, text)
	}
	src.WriteString("  fan: {module: echo, foreach: [a, b, c], with: {text: \"${{ item }}\"}}\n")
	src.WriteString("  sub: {module: pipeline, with: {file: child.yaml}}\n")
	plan, _ := loadWithChild(t, "nodes:\n  c1: {module: echo}\n  c2: {module: echo, needs: c1}\n", src.String(), modules.Default)
	rec, err := engine.New(modules.Default).Run(context.Background(), plan, engine.Options{Journal: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	checkRecordBytes(t, rec)
	if len(rec.Nodes) != n+1+3+1+2 {
		t.Fatalf("the record has %d nodes, want %d", len(rec.Nodes), n+7)
	}
	if got, want := engine.KeptNodes(rec), n+1+3+1; got != want {
		t.Errorf("kept bytes for %d nodes, want %d (all but the sub-pipeline's)", got, want)
	}
}
