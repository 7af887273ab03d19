package engine

import (
	"bytes"
	"strings"
	"testing"
)

// node only queues the record: the line is encoded by flush, which the run's
// coordinator calls without the scheduler's lock.
func TestJournalEncodesInFlushNotInNode(t *testing.T) {
	var w bytes.Buffer
	j := newJournal(&w, "r")
	rec := NodeRecord{Module: "echo", Status: StatusSuccess, Message: "hi"}
	j.node("a", &rec)
	if len(j.buf) > 0 || w.Len() > 0 {
		t.Fatalf("node encoded its line: buf %q, written %q", j.buf, w.String())
	}
	j.flush()
	want := `{"run":"r","node":"a","module":"echo","status":"success","message":"hi","duration_ms":0}` + "\n"
	if w.String() != want {
		t.Errorf("after flush:\n got %q\nwant %q", w.String(), want)
	}
	if err := j.close(); err != nil {
		t.Error(err)
	}
}

// The coordinator hears when a batch waits, and the lines stay in order.
func TestJournalAsksForAFlushWhenABatchWaits(t *testing.T) {
	var w bytes.Buffer
	j := newJournal(&w, "r")
	for k := range journalBatch - 1 {
		j.node(string(rune('a'+k%26)), &NodeRecord{Module: "m"})
	}
	select {
	case <-j.full():
		t.Fatal("full before a batch waits")
	default:
	}
	j.node("last", &NodeRecord{Module: "m"})
	select {
	case <-j.full():
	default:
		t.Fatal("not full once a batch waits")
	}
	j.flush()
	lines := strings.Split(strings.TrimSpace(w.String()), "\n")
	if len(lines) != journalBatch || !strings.Contains(lines[0], `"node":"a"`) || !strings.Contains(lines[len(lines)-1], `"node":"last"`) {
		t.Errorf("%d lines, first %s, last %s", len(lines), lines[0], lines[len(lines)-1])
	}
}

// With nobody flushing (a Scheduler's driver), the journal does not hold
// more than maxJournalPending records: the node past them writes them.
func TestJournalWritesItselfWhenNobodyFlushes(t *testing.T) {
	var w bytes.Buffer
	j := newJournal(&w, "r")
	for range maxJournalPending {
		j.node("n", &NodeRecord{Module: "m"})
	}
	if got := strings.Count(w.String(), "\n"); got != maxJournalPending {
		t.Errorf("%d lines written, want %d", got, maxJournalPending)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.pending) != 0 {
		t.Errorf("%d lines still pending", len(j.pending))
	}
}
