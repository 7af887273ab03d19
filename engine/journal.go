package engine

import (
	"fmt"
	"io"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// journal appends each node's final state to a file as a JSON line while
// the run goes on, so that a run killed before it can write its record
// still leaves its progress behind. The record itself is written once, at
// the end: rewriting it on every change would cost the square of the node
// count. Lines are buffered and flushed every journalFlush.
//
// A failed write (a full disk) keeps the lines not yet written and tries
// them again at the next flush: what was buffered is not dropped, and the
// journal goes on once there is room again. Only past maxJournalBuffer of
// unwritten lines are new lines dropped, and that is counted.
type journal struct {
	w       io.Writer
	buf     []byte
	err     error // the last write error, nil once a write succeeds again
	dropped int   // lines not kept: unencodable, or past maxJournalBuffer
	runID   string
}

const (
	journalFlush     = 200 * time.Millisecond
	journalChunk     = 64 << 10
	maxJournalBuffer = 16 << 20
)

// JournalLine is one line of a run's journal.
type JournalLine struct {
	Run  string `json:"run"`
	Node string `json:"node,omitempty"`
	*NodeRecord
}

func newJournal(w io.Writer, runID string) *journal {
	return &journal{w: w, buf: make([]byte, 0, journalChunk), runID: runID}
}

// node appends node id's state. Callers hold the run's sched lock.
func (j *journal) node(id string, rec NodeRecord) {
	if j == nil {
		return
	}
	j.line(JournalLine{Run: j.runID, Node: id, NodeRecord: &rec})
	if len(j.buf) >= journalChunk && j.err == nil {
		j.flush()
	}
}

// line appends v as a JSON line, or counts it dropped.
func (j *journal) line(v any) {
	line, err := modules.MarshalJSON(v)
	if err != nil || len(j.buf)+len(line) > maxJournalBuffer {
		j.dropped++
		return
	}
	j.buf = append(j.buf, line...)
	j.buf = append(j.buf, '\n')
}

// flush writes out buffered lines; the coordinator calls it, holding the
// sched lock, every journalFlush while the run goes on. What a failed write
// left is kept for the next flush.
func (j *journal) flush() {
	if j != nil {
		j.write()
	}
}

// write writes what is buffered and reports how much it wrote.
func (j *journal) write() int {
	if len(j.buf) == 0 {
		return 0
	}
	n, err := j.w.Write(j.buf)
	if n > 0 {
		j.buf = j.buf[:copy(j.buf, j.buf[n:])]
	}
	j.err = err
	return n
}

// drain writes what is buffered, going on while the disk takes bytes: a
// write cut short by a full disk may fit once another process has freed
// some room. It returns the last write's error.
func (j *journal) drain() error {
	for j.write() > 0 && j.err != nil {
	}
	return j.err
}

// close flushes what is buffered and says what could not be written.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	j.drain()
	switch {
	case j.err != nil:
		return fmt.Errorf("%d bytes of the journal not written: %w", len(j.buf), j.err)
	case j.dropped > 0:
		return fmt.Errorf("%d line(s) of the journal dropped (not encodable, or over %d MiB unwritten)", j.dropped, maxJournalBuffer>>20)
	}
	return nil
}
