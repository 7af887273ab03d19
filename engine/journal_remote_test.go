package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

func remotePlan(t *testing.T) *engine.Plan {
	t.Helper()
	plan, err := engine.Parse("p.yaml", []byte("name: p\nnodes:\n  a: {module: echo}\n  b: {module: echo, needs: a}\n"), modules.Default)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// A client's journal of a run elsewhere takes each node's end as the
// client learns of it: the run read from it shows them, without their
// outputs (a resume runs them again), and the others not ended yet.
func TestFollowJournalKeepsNodeEnds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r1"+engine.JournalSuffix)
	j, err := engine.RemoteJournal(path, remotePlan(t), "r1", "temporal://h:7233/default", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC()
	j.Node("a", &engine.NodeRecord{Module: "echo", Status: engine.StatusSuccess, Attempts: 1, Worker: "w1",
		Outputs: map[string]any{"x": 1}, StartedAt: at, FinishedAt: at})
	// Written within a flush's time, while the run goes on.
	var rec *engine.Record
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if rec, err = engine.LiveRecord(path); err == nil && rec.Nodes["a"].Status == engine.StatusSuccess {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	a, b := rec.Nodes["a"], rec.Nodes["b"]
	if a.Status != engine.StatusSuccess || a.Worker != "w1" || a.Outputs != nil || a.Resume == nil || !a.Resume.OutputsCut {
		t.Errorf("a: %+v, want success on w1 without outputs, marked cut", a)
	}
	if b.Status != engine.StatusRunning || b.Reason != engine.NotEndedReason {
		t.Errorf("b: %s (%s), want not ended yet", b.Status, b.Reason)
	}
	if rec.Remote != "temporal://h:7233/default" {
		t.Errorf("remote %q", rec.Remote)
	}
	if _, err := engine.RecoverJournal(path); !errors.Is(err, engine.ErrRunLive) {
		t.Errorf("recovering a journal its client holds: %v, want ErrRunLive", err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	// Its client gone, the run is recovered with the node it saw end.
	r, err := engine.RecoverJournal(path)
	if err != nil || r == nil {
		t.Fatalf("recover: %v", err)
	}
	if r.Record.Status != engine.StatusInterrupted || r.Record.Nodes["a"].Status != engine.StatusSuccess || r.Lost != 1 {
		t.Errorf("recovered: %s, a %s, %d lost", r.Record.Status, r.Record.Nodes["a"].Status, r.Lost)
	}
}

// The journal of a run started with --detach is no run whose pipe died:
// it is left alone, read as detached, and a pipe that follows the run
// later takes it up, after a torn last line.
func TestDetachedJournal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r2"+engine.JournalSuffix)
	if err := engine.DetachedJournal(path, remotePlan(t), "r2", "temporal://h:7233/default", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.RecoverJournal(path); !errors.Is(err, engine.ErrRunDetached) {
		t.Fatalf("recovering a detached run's journal: %v, want ErrRunDetached", err)
	}
	if recs, err := engine.RecoverRuns(dir); err != nil || len(recs) != 0 {
		t.Fatalf("RecoverRuns: %v %v, want nothing recovered", recs, err)
	}
	rec, err := engine.DetachedRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusDetached || rec.Nodes["a"].Status != engine.StatusDetached ||
		!strings.Contains(rec.Reason, "pipe status r2 --on temporal://h:7233/default") {
		t.Errorf("detached record: %s (%s), a %s", rec.Status, rec.Reason, rec.Nodes["a"].Status)
	}
	runs, _, err := engine.ListRunsDamaged(dir)
	if err != nil || len(runs) != 1 || runs[0].Status != engine.StatusDetached || runs[0].Remote != "temporal://h:7233/default" {
		t.Errorf("listed: %+v %v", runs, err)
	}

	// A follower killed in the middle of a line.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"run":"r2","node":"a","mod`)
	f.Close()
	j, err := engine.OpenFollowJournal(path, "r2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.OpenFollowJournal(path, "r2"); !errors.Is(err, engine.ErrRunLive) {
		t.Errorf("a second follower: %v, want ErrRunLive", err)
	}
	j.Node("b", &engine.NodeRecord{Module: "echo", Status: engine.StatusError, Attempts: 1})
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err = engine.DetachedRecord(path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != engine.StatusDetached || rec.Nodes["b"].Status != engine.StatusError {
		t.Errorf("after a follower: %s, b %s", rec.Status, rec.Nodes["b"].Status)
	}
}
