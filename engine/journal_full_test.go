package engine_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipe-run/pipe/engine"
)

// roomWriter is a disk with room bytes left: a write past them writes what
// fits and fails, as a full disk does.
type roomWriter struct {
	room int
	b    bytes.Buffer
}

func (w *roomWriter) Write(p []byte) (int, error) {
	n := min(len(p), w.room)
	w.b.Write(p[:n])
	w.room -= n
	if n < len(p) {
		return n, errors.New("no space left on device")
	}
	return n, nil
}

// big is a pipeline whose first node gives 400 KB of output (a program
// that printed that much), and whose other nodes, a foreach among them,
// end after it.
func big() string {
	return "name: big\nnodes:\n" +
		"  big: {module: echo, with: {text: " + strings.Repeat("x", 400_000) + "}}\n" +
		"  small: {module: echo, needs: big, with: {message: hi}}\n" +
		"  fan: {module: echo, needs: big, foreach: [1, 2, 3, 4, 5], with: {v: '${{ item }}'}}\n" +
		"  after: {module: echo, needs: [small, fan]}\n"
}

// recoverBytes recovers a journal that holds journal, as run id.
func recoverBytes(t *testing.T, journal []byte) *engine.Recovered {
	t.Helper()
	skipWithoutLocks(t)
	path := filepath.Join(t.TempDir(), "20261127T145638Z-c9222fcb"+engine.JournalSuffix)
	if err := os.WriteFile(path, journal, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := engine.RecoverJournal(path)
	if err != nil || got == nil {
		t.Fatalf("RecoverJournal: %+v, %v", got, err)
	}
	return got
}

// A node's line over the bound is written cut: without its outputs (a
// resume runs the node again: its log has them whole), so that it holds up
// no line behind it when the disk is nearly full. The journal ends with
// the run's end: a run recovered from it (its record could not be
// written) ends as it did, every node as it did, not interrupted with
// nodes lost.
func TestJournalOfARunOnANearlyFullDisk(t *testing.T) {
	tm := newTestModules(t)
	w := &roomWriter{room: 64 << 10}
	rec := tm.run(t, big(), engine.Options{Journal: w, RunID: "20261127T145638Z-c9222fcb"})
	if rec.Status != engine.StatusSuccess || len(rec.Nodes["big"].Outputs["text"].(string)) != 400_000 {
		t.Fatalf("the run: %s, big's output %d bytes", rec.Status, len(rec.Nodes["big"].Outputs["text"].(string)))
	}
	for _, line := range bytes.SplitAfter(w.b.Bytes(), []byte("\n")) {
		if len(line) > 16<<10 {
			t.Errorf("a journal line of %d bytes: %.200s", len(line), line)
		}
	}
	got := recoverBytes(t, w.b.Bytes())
	r := got.Record
	if r.Status != engine.StatusSuccess || got.Lost != 0 || got.Dropped != 0 || !strings.Contains(r.Reason, "did not write its record") || strings.Contains(r.Reason, "ended before") {
		t.Errorf("recovered %s, lost %d, dropped %d (%s); want success, nothing lost", r.Status, got.Lost, got.Dropped, r.Reason)
	}
	if !r.FinishedAt.Equal(rec.FinishedAt) || r.DurationMS != rec.DurationMS {
		t.Errorf("recovered end %v (%d ms), want the run's %v (%d ms)", r.FinishedAt, r.DurationMS, rec.FinishedAt, rec.DurationMS)
	}
	for id, n := range rec.Nodes {
		if m := r.Nodes[id]; m == nil || m.Status != n.Status {
			t.Errorf("node %s recovered as %+v, want %s", id, m, n.Status)
		}
	}
	b := r.Nodes["big"]
	if len(b.Outputs) != 0 || b.Resume == nil || !b.Resume.OutputsCut || engine.KeepRecord(b).NotRestorable == "" || !strings.Contains(r.Reason, "too large for the journal") {
		t.Errorf("big recovered with outputs %d, resume %+v, reason %q; want them cut and a resume to run it again", len(b.Outputs), b.Resume, r.Reason)
	}
	if s := r.Nodes["small"]; s.Outputs["message"] != "hi" || s.Resume != nil {
		t.Errorf("small recovered as %+v; want it whole", s)
	}
}

// A journal that ends with the run's end but lacks some nodes' ends (the
// disk took the one and not the others) says the run's status, and that
// those nodes' ends are not in it, not that pipe died before them.
func TestRecoverAnEndedRunMissingNodes(t *testing.T) {
	var full bytes.Buffer
	tm := newTestModules(t)
	tm.run(t, journalled, engine.Options{Journal: &full, RunID: "r1", Skip: []string{"c"}})
	lines := bytes.SplitAfter(full.Bytes(), []byte("\n")) // header, a, b, end, ""
	got := recoverBytes(t, cat(lines[0], lines[1], lines[3]))
	r := got.Record
	if r.Status != engine.StatusSuccess || got.Lost != 1 || r.Nodes["a"].Status != engine.StatusSuccess || r.Nodes["b"].Status != engine.StatusLost {
		t.Fatalf("recovered %+v, lost %d", r, got.Lost)
	}
	if why := r.Nodes["b"].Reason; !strings.Contains(why, "not in its journal") || strings.Contains(why, "pipe ended before") {
		t.Errorf("b's reason %q", why)
	}
	if !strings.Contains(r.Reason, "ended the run but did not write its record") || !strings.Contains(r.Reason, "1 node(s) whose end is not in it") {
		t.Errorf("reason %q", r.Reason)
	}
	// The journal cannot tell a full disk from a pipe that died (killed,
	// out of memory) before it wrote the record: the reason guesses neither.
	if strings.Contains(r.Reason, "a full disk?") || !strings.Contains(r.Reason, "killed or out of memory before it could, or the disk refused it") {
		t.Errorf("reason %q: want it to name every cause, not guess one", r.Reason)
	}
}
