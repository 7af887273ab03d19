package engine

import (
	"bufio"
	"encoding/json"
	"io"
	"time"
)

// journal appends each node's final state to a file as a JSON line while
// the run goes on, so that a run killed before it can write its record
// still leaves its progress behind. The record itself is written once, at
// the end: rewriting it on every change would cost the square of the node
// count. Lines are buffered and flushed every journalFlush.
type journal struct {
	w     *bufio.Writer
	enc   *json.Encoder
	err   error
	runID string
}

const journalFlush = 200 * time.Millisecond

// JournalLine is one line of a run's journal.
type JournalLine struct {
	Run  string `json:"run"`
	Node string `json:"node,omitempty"`
	*NodeRecord
}

func newJournal(w io.Writer, runID string) *journal {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &journal{w: bw, enc: json.NewEncoder(bw), runID: runID}
}

// node appends node id's state. Callers hold the run's sched lock.
func (j *journal) node(id string, rec NodeRecord) {
	if j == nil || j.err != nil {
		return
	}
	j.err = j.enc.Encode(JournalLine{Run: j.runID, Node: id, NodeRecord: &rec})
}

// flush writes out buffered lines; the coordinator calls it, holding the
// sched lock, every journalFlush while the run goes on.
func (j *journal) flush() {
	if j != nil && j.err == nil && j.w.Buffered() > 0 {
		j.err = j.w.Flush()
	}
}

// close flushes what is buffered.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	if j.err != nil {
		return j.err
	}
	return j.w.Flush()
}
