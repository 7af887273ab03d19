package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// countingWriter records each write.
type countingWriter struct{ writes []string }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestStatusLineWritesALineInOneWrite(t *testing.T) {
	w := &countingWriter{}
	s := &statusLine{w: w}
	s.set("1/3 done")
	w.writes = nil
	s.Write([]byte("[fit] epoch 1\n"))
	s.Write([]byte("partial "))
	s.Write([]byte("line\n"))
	want := []string{"\r\x1b[K[fit] epoch 1\n1/3 done", "\r\x1b[Kpartial ", "line\n1/3 done"}
	if strings.Join(w.writes, "|") != strings.Join(want, "|") {
		t.Errorf("writes %q, want %q", w.writes, want)
	}
	s.close()
	if last := w.writes[len(w.writes)-1]; last != "\r\x1b[K" {
		t.Errorf("close wrote %q, want the erase", last)
	}
}

// The status line counts apart the failures continue_on_error lets the
// run go past: "1 failed" said of a run that goes on to succeed misled.
func TestStatusLineCountsToleratedFailuresApart(t *testing.T) {
	tests := []struct {
		name     string
		finished map[string]engine.NodeRecord
		want     string
	}{
		{"failed", map[string]engine.NodeRecord{"a": {Status: engine.StatusError, Reason: "failed"}}, "1/3 done · 0 running · 1 failed · 00:01"},
		{"tolerated", map[string]engine.NodeRecord{"a": {Status: engine.StatusError, Reason: "failed; " + engine.Tolerated}},
			"1/3 done · 0 running · 1 tolerated error · 00:01"},
		{"both", map[string]engine.NodeRecord{
			"a": {Status: engine.StatusError, Reason: "failed"}, "b": {Status: engine.StatusError, Reason: "failed; " + engine.Tolerated},
			"c": {Status: engine.StatusSuccess},
		}, "3/3 done · 0 running · 1 failed · 1 tolerated error · 00:01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProgress(newLogs(io.Discard, false, "text"), 3)
			for id, rec := range tt.finished {
				p.event(engine.Event{Kind: engine.NodeFinished, Node: id, Record: rec})
			}
			if got := p.status(time.Second); got != tt.want {
				t.Errorf("status line %q, want %q", got, tt.want)
			}
		})
	}
}

// A node's log line redraws the status line as the run stands after the
// node's start or end, not as the last tick left it: "2 running (a, b)"
// stayed under the lines that said both were done.
func TestStatusLineIsFreshUnderANodesLine(t *testing.T) {
	w := &countingWriter{}
	sl := &statusLine{w: w}
	p := newProgress(newLogs(sl, false, "text"), 2)
	attachStatus(sl, p, time.Now())
	sl.set(p.status(0))
	for _, ev := range []engine.Event{
		{Kind: engine.NodeStarted, Node: "a", Record: engine.NodeRecord{Module: "echo"}},
		{Kind: engine.NodeStarted, Node: "b", Record: engine.NodeRecord{Module: "echo"}},
		{Kind: engine.NodeFinished, Node: "a", Record: engine.NodeRecord{Status: engine.StatusSuccess, Attempts: 1}},
		{Kind: engine.NodeFinished, Node: "b", Record: engine.NodeRecord{Status: engine.StatusError, Reason: "failed", Message: "boom", Attempts: 1}},
	} {
		p.event(ev)
	}
	last := w.writes[len(w.writes)-1]
	if !strings.Contains(last, "b: failed") || !strings.HasSuffix(last, "2/2 done · 0 running · 1 failed · 00:00") {
		t.Errorf("the last write, b's failure, left the line as\n%q\nwant it to end 2/2 done · 0 running · 1 failed", last)
	}
}

// A foreach node is not counted as running beside its instances: the
// line said "3 running (a, fe, fe[x])" of two programs.
func TestStatusLineCountsInstancesNotTheirNode(t *testing.T) {
	p := newProgress(newLogs(io.Discard, false, "text"), 2)
	attachStatus(&statusLine{w: io.Discard}, p, time.Now())
	p.event(engine.Event{Kind: engine.NodeStarted, Node: "a", Record: engine.NodeRecord{Module: "echo"}})
	p.event(engine.Event{Kind: engine.NodeStarted, Node: "fe", Record: engine.NodeRecord{Module: "echo", Items: []string{"x"}}})
	p.event(engine.Event{Kind: engine.NodeStarted, Node: "fe[x]", Record: engine.NodeRecord{Module: "echo"}})
	if got, want := p.status(0), "0/2 done · 2 running (a, fe[x]) · 00:00"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}
