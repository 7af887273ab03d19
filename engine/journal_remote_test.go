package engine_test

import (
	"errors"
	"path/filepath"
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
