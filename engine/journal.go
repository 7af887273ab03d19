package engine

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"
)

// journal appends each node's final state to a file as a JSON line while
// the run goes on, so that a run killed before it can write its record
// still leaves its progress behind. The record itself is written once, at
// the end: rewriting it on every change would cost the square of the node
// count.
//
// The core hands the journal each node's final record under the run's
// scheduler lock (a pointer: nothing writes a record once its node has
// finished); encoding and writing happen in flush, which the run's
// coordinator calls without that lock every journalFlush, or sooner when
// journalBatch lines wait (full). So the lock is held only for an append,
// and the lines are encoded on another core while nodes go on.
//
// A failed write (a full disk) keeps the lines not yet written and tries
// them again at the next flush: what was buffered is not dropped, and the
// journal goes on once there is room again. Only past maxJournalBuffer of
// unwritten lines are new lines dropped, and that is counted.
type journal struct {
	runID string
	// async is set when a goroutine of the journal's own flushes it (a
	// client's, FollowJournal): node never writes, however many lines
	// wait (they are bounded by the run's nodes).
	async bool
	// kick holds a token once journalBatch lines wait: the coordinator
	// flushes then.
	kick chan struct{}

	mu      sync.Mutex // guards pending
	pending []journalEntry

	wmu     sync.Mutex // guards what follows: one flush at a time, in order
	spare   []journalEntry
	w       io.Writer
	buf     []byte
	err     error // the last write error, nil once a write succeeds again
	dropped int   // lines not kept: unencodable, or past maxJournalBuffer
}

// journalEntry is a node's line, not yet encoded.
type journalEntry struct {
	id  string
	rec *NodeRecord
}

const (
	journalFlush     = 200 * time.Millisecond
	journalChunk     = 64 << 10
	maxJournalBuffer = 16 << 20
	// journalBatch lines waiting wake the coordinator before journalFlush;
	// past maxJournalPending (nobody flushes, or not fast enough) the
	// node that ends encodes them itself rather than queue more.
	journalBatch      = 512
	maxJournalPending = 64 << 10
)

// JournalLine is one line of a run's journal: a node's end, or, last,
// the run's.
type JournalLine struct {
	Run  string `json:"run"`
	Node string `json:"node,omitempty"`
	// Cut is set on a node's line that was over maxJournalLine: its
	// outputs are left out (Resume.OutputsCut, so that a resume runs the
	// node again) and its message and reason cut.
	Cut bool `json:"cut,omitempty"`
	// End, on the journal's last line, says that pipe finished the run,
	// and how, whether or not it could then write the record.
	End *JournalEnd `json:"end,omitempty"`
	*NodeRecord
}

// JournalEnd is how a run ended, as its record says.
type JournalEnd struct {
	Status     Status    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	FinishedAt time.Time `json:"finished_at"`
	DurationMS int64     `json:"duration_ms"`
}

// maxJournalLine bounds a node's journal line (a program that printed
// megabytes has them in its outputs and message): past it, the line is
// written cut (see cutForJournal). A line that size or under, waiting
// behind a write the disk refused, holds up little: the lines behind it
// get written as soon as there is room for it, and a journal full of
// whole lines tells more than one holding a node's megabytes. The node's
// output is whole in its log file, and the record written at the end has
// everything.
const maxJournalLine = journalChunk

func newJournal(w io.Writer, runID string) *journal {
	return &journal{w: w, buf: make([]byte, 0, journalChunk), runID: runID, kick: make(chan struct{}, 1)}
}

// node queues node id's final record for the next flush. The core calls
// it under the run's sched lock: it only appends. rec must not change
// afterwards.
func (j *journal) node(id string, rec *NodeRecord) {
	if j == nil {
		return
	}
	j.mu.Lock()
	j.pending = append(j.pending, journalEntry{id: id, rec: rec})
	n := len(j.pending)
	j.mu.Unlock()
	switch {
	case n == journalBatch:
		select {
		case j.kick <- struct{}{}:
		default: // told already
		}
	case n >= maxJournalPending && !j.async:
		j.flush()
	}
}

// full is ready once journalBatch lines wait to be flushed; nil without a
// journal.
func (j *journal) full() <-chan struct{} {
	if j == nil {
		return nil
	}
	return j.kick
}

// encode appends e's line, cut when it is over maxJournalLine, or counts
// it dropped. Callers hold wmu.
func (j *journal) encode(e *journalEntry) {
	n := len(j.buf)
	rec, cut := e.rec, false
	if outputsOver(rec.Outputs, maxJournalLine) {
		// Cut without encoding the outputs first: a fan-in of 100
		// instances of 4 MB made a line of 400 MB, and the buffer kept
		// that size for the rest of the run.
		rec, cut = cutForJournal(rec), true
	}
	b, err := appendJournalLine(j.buf, j.runID, e.id, rec, cut)
	if err == nil && !cut && len(b)-n > maxJournalLine {
		b, err = appendJournalLine(b[:n], j.runID, e.id, cutForJournal(e.rec), true)
	}
	if err != nil || len(b) > maxJournalBuffer {
		j.buf = b[:n]
		j.dropped++
		return
	}
	j.buf = append(b, '\n')
}

// outputsOver reports whether outputs are over limit bytes of JSON: at
// once for most, by a bound; counted only for those that may be.
func outputsOver(outputs map[string]any, limit int) bool {
	return len(outputs) > 0 && sizeBound(outputs, limit) > limit && valuesSize(outputs) > int64(limit)
}

// cutForJournal is a copy of n for a journal line: without its outputs
// (a resume runs the node again) and with its message and reason cut.
func cutForJournal(n *NodeRecord) *NodeRecord {
	c := *n
	c.Outputs = nil
	c.Message, _ = cutValue(c.Message).(string)
	c.Reason, _ = cutValue(c.Reason).(string)
	c.Inputs, _ = cutValue(c.Inputs).(map[string]any) // cut already; and under maxRecordedItems keys
	if len(c.Inputs) > maxRecordedItems {
		c.Inputs = nil
	}
	r := ResumeInfo{}
	if n.Resume != nil {
		r = *n.Resume
	}
	r.OutputsCut, r.SpecialFloats = true, nil
	c.Resume = &r
	return &c
}

// finish queues the run's end, rec's, as the journal's last line: pipe
// finished the run, and a journal recovered because the record could
// not be written (a full disk) says how it ended, not that pipe died.
func (j *journal) finish(rec *Record) {
	if j == nil {
		return
	}
	j.flush() // the nodes' lines first
	b, err := json.Marshal(JournalLine{Run: j.runID, End: &JournalEnd{Status: rec.Status, Reason: rec.Reason, FinishedAt: rec.FinishedAt, DurationMS: rec.DurationMS}})
	j.wmu.Lock()
	defer j.wmu.Unlock()
	if err != nil {
		j.dropped++
		return
	}
	j.buf = append(append(j.buf, b...), '\n')
}

// flush encodes the lines waiting and writes out what is buffered; the
// coordinator calls it every journalFlush while the run goes on, and when
// full says so, without the sched lock. What a failed write left is kept
// for the next flush.
func (j *journal) flush() {
	if j == nil {
		return
	}
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.mu.Lock()
	batch := j.pending
	j.pending = j.spare[:0]
	j.mu.Unlock()
	for k := range batch {
		j.encode(&batch[k])
		if len(j.buf) >= journalChunk && j.err == nil {
			j.write()
		}
	}
	clear(batch) // the records' maps are the run's to free
	j.spare = batch[:0]
	j.write()
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

// close flushes what is waiting and says what could not be written.
func (j *journal) close() error {
	if j == nil {
		return nil
	}
	j.flush()
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.drain()
	switch {
	case j.err != nil:
		return fmt.Errorf("%d bytes of the journal not written: %w", len(j.buf), j.err)
	case j.dropped > 0:
		return fmt.Errorf("%d line(s) of the journal dropped (not encodable, or over %d MiB unwritten)", j.dropped, maxJournalBuffer>>20)
	}
	return nil
}
