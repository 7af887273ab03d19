package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lostReason is the reason given to a node whose pipe died before it ended.
const lostReason = "pipe ended before this node did (it was running or waiting): its outcome is unknown"

// remoteReason is the reason given to a node of a run elsewhere whose
// following pipe died: the client's journal holds no node's end.
const remoteReason = "its outcome is not known here: the run is elsewhere (see the run's reason)"

// detachedReason is the reason given to a node of a run started
// detached whose end is not in its journal.
const detachedReason = "not known here: the run was started with --detach (pipe status shows it)"

// unwrittenReason is the reason given to a node of a run that pipe
// finished (its journal ends with the run's end) whose own end is not in
// the journal: the disk took the run's end but not all that came before.
const unwrittenReason = "the run ended, but this node's end is not in its journal (it could not all be written): its outcome is unknown"

// journalRead is what readJournal found in a journal besides the nodes.
type journalRead struct {
	head           *JournalHeader
	end            *JournalEnd
	lines, dropped int
	cut            int // nodes' lines cut (JournalLine.Cut)
}

// readJournal builds the record of run id from its journal, as far as it
// goes. When the journal ends with the run's end (pipe finished the run
// but did not write the record), the record ends as the run did;
// otherwise modTime, the journal's last write, stands for when pipe died,
// and the run is interrupted. Lines that cannot be read (a torn last
// line) are counted, not fatal; ok is false when the journal has lines
// and none of them can be read.
func readJournal(r io.Reader, id string, modTime time.Time) (rec *Record, lost, dropped int, ok bool) {
	rec = &Record{ID: id, Status: StatusInterrupted, Nodes: map[string]*NodeRecord{}}
	var jr journalRead
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if !jr.readLine(line, rec) {
				jr.dropped++ // torn, or garbled
			}
			jr.lines++
		}
		if err != nil {
			break
		}
	}
	head, end := jr.head, jr.end
	if head != nil {
		// The id stays the file's: the header's is the journal's word
		// only, and the record's path is made from the id.
		rec.Pipeline, rec.File, rec.StartedAt = head.Pipeline, head.File, head.StartedAt
		rec.Host, rec.FileHash, rec.Config, rec.Version, rec.Resume = head.Host, head.FileHash, head.Config, head.PipeVersion, head.Resume
		rec.ResumedFrom, rec.Remote = head.ResumedFrom, head.Remote
		why := lostReason
		if end != nil {
			why = unwrittenReason
		}
		if head.Remote != "" {
			why = remoteReason
		}
		detached := head.Detached && end == nil
		for _, n := range head.Nodes {
			switch {
			case rec.Nodes[n.ID] != nil:
			case n.Skipped != "":
				rec.Nodes[n.ID] = &NodeRecord{Module: n.Module, Status: StatusSkipped, Reason: n.Skipped}
			case detached:
				// Not lost: nothing here was to see it end.
				rec.Nodes[n.ID] = &NodeRecord{Module: n.Module, Status: StatusDetached, Reason: detachedReason}
			default:
				rec.Nodes[n.ID] = &NodeRecord{Module: n.Module, Status: StatusLost, Reason: why}
				lost++
			}
		}
		if detached {
			rec.Status = StatusDetached
		}
	}
	rec.FinishedAt = modTime.UTC()
	if end != nil && !end.FinishedAt.IsZero() {
		rec.Status, rec.FinishedAt = end.Status, end.FinishedAt
	}
	for _, n := range rec.Nodes {
		if rec.StartedAt.IsZero() || !n.StartedAt.IsZero() && n.StartedAt.Before(rec.StartedAt) {
			rec.StartedAt = n.StartedAt
		}
		if end == nil && n.FinishedAt.After(rec.FinishedAt) {
			rec.FinishedAt = n.FinishedAt
		}
	}
	if rec.StartedAt.IsZero() || rec.FinishedAt.Before(rec.StartedAt) {
		// A file's time can lag the clock by a tick: never end before the start.
		if rec.StartedAt.IsZero() {
			rec.StartedAt = rec.FinishedAt
		}
		rec.FinishedAt = rec.StartedAt
	}
	rec.DurationMS = rec.FinishedAt.Sub(rec.StartedAt).Milliseconds()
	rec.Reason = jr.reason(lost)
	return rec, lost, jr.dropped, jr.lines == 0 || jr.dropped < jr.lines
}

// readLine reads one journal line into rec; the first may be the header.
func (jr *journalRead) readLine(line []byte, rec *Record) bool {
	if jr.lines == 0 {
		var h JournalHeader
		if json.Unmarshal(line, &h) == nil && h.Version > 0 {
			jr.head = &h
			return true
		}
	}
	var l JournalLine
	if err := json.Unmarshal(line, &l); err != nil {
		return false
	}
	switch {
	case l.End != nil && l.Node == "":
		jr.end = l.End
	case l.Node == "" || l.NodeRecord == nil:
		return false
	default:
		rec.Nodes[l.Node] = l.NodeRecord
		if l.Cut {
			jr.cut++
		}
	}
	return true
}

// reason is the recovered record's reason.
func (jr *journalRead) reason(lost int) string {
	head, end := jr.head, jr.end
	var b strings.Builder
	switch {
	case end != nil:
		if end.Reason != "" {
			b.WriteString(end.Reason + "; ")
		}
		who := "pipe"
		if head != nil {
			who = fmt.Sprintf("pipe (pid %d on %s)", head.PID, head.Host)
		}
		// The journal cannot tell why: pipe died before the record was
		// written (killed, out of memory), or it could not write it (the
		// disk), which it said when it exited.
		fmt.Fprintf(&b, "%s ended the run but did not write its record (killed or out of memory before it could, or the disk refused it); recovered from its journal", who)
		if lost > 0 {
			fmt.Fprintf(&b, ": %d node(s) whose end is not in it", lost)
		}
	case head != nil && head.Detached:
		fmt.Fprintf(&b, "started with --detach on %s, followed by no pipe here: pipe status %s --on %s shows how it stands, and with --wait follows it and writes its record here",
			head.Remote, head.Run, head.Remote)
	case head != nil && head.Remote != "":
		fmt.Fprintf(&b, "the pipe following it on %s (pid %d on %s) ended before the run did, which may go on there: pipe status %s --on %s --wait follows it and writes its record here",
			head.Remote, head.PID, head.Host, head.Run, head.Remote)
	case head != nil:
		fmt.Fprintf(&b, "pipe (pid %d on %s) ended before it wrote the record; recovered from its journal: %d node(s) lost", head.PID, head.Host, lost)
	case jr.lines == 0:
		b.WriteString("pipe ended before it wrote anything to its journal: nothing is known of its nodes")
	default:
		b.WriteString("pipe ended before it wrote the record; recovered from a journal without a header (an older pipe): nodes that never ended are not listed")
	}
	if jr.cut > 0 {
		fmt.Fprintf(&b, "; %d node(s) gave outputs too large for the journal, not recovered (a resume runs them again; their logs are whole)", jr.cut)
	}
	if jr.dropped > 0 {
		fmt.Fprintf(&b, "; %d unreadable line(s) dropped", jr.dropped)
	}
	return b.String()
}

// DetachedRecord reads the journal at path of a run started detached
// (see DetachedJournal; RecoverJournal says ErrRunDetached) into its
// record as far as it is known here: the nodes a pipe that followed it
// saw end, as they ended, the others and the run detached, with how to
// follow it.
func DetachedRecord(path string) (*Record, error) {
	return journalSoFar(path)
}

// journalSoFar reads the journal at path of a run not ended into its
// record as far as it goes, the run's duration up to now.
func journalSoFar(path string) (*Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id := strings.TrimSuffix(filepath.Base(path), JournalSuffix)
	now := time.Now()
	rec, _, _, ok := readJournal(f, id, now)
	if !ok {
		return nil, unreadable(path)
	}
	rec.FinishedAt = time.Time{}
	rec.DurationMS = now.Sub(rec.StartedAt).Milliseconds()
	return rec, nil
}

// NotEndedReason is the reason of a node of a run still going whose end is
// not in its journal yet: waiting, or running.
const NotEndedReason = "not ended yet"

// LiveRecord reads the journal at path of a run still going into its
// record as far as the run has gone: the nodes that ended as they ended,
// the others running (NotEndedReason), the run running for as long as it
// has. The journal is read without its lock: it is written a whole line
// at a time, and a torn last line is left out.
func LiveRecord(path string) (*Record, error) {
	rec, err := journalSoFar(path)
	if err != nil {
		return nil, err
	}
	rec.Status, rec.Reason = StatusRunning, ""
	for _, n := range rec.Nodes {
		if n.Status == StatusLost || n.Status == StatusDetached {
			n.Status, n.Reason = StatusRunning, NotEndedReason
		}
	}
	return rec, nil
}
