package main

import (
	"strings"
	"testing"
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
