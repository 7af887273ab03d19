package engine

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/pipe-run/pipe/modules"
)

// journalVersion marks a journal's header line; journals of older pipes
// have none (their first line is a node's).
const journalVersion = 1

// JournalHeader is the first line of a run's journal: enough to write the
// run's record if pipe dies before it can, with every node, so that those
// that never ended can be listed as lost (see RecoverJournal).
type JournalHeader struct {
	Version   int       `json:"journal"`
	Run       string    `json:"run"`
	Pipeline  string    `json:"pipeline"`
	File      string    `json:"file,omitempty"`
	StartedAt time.Time `json:"started_at"`
	PID       int       `json:"pid"`
	Host      string    `json:"host,omitempty"`
	// FileHash and Config are the record's: a run recovered from its
	// journal says what it ran, and --resume can tell whether its
	// outputs are stale.
	FileHash string                 `json:"file_hash,omitempty"`
	Config   map[string]ConfigValue `json:"config,omitempty"`
	// PipeVersion is the record's Version: what pipe ran it.
	PipeVersion string `json:"pipe_version,omitempty"`
	// ResumedFrom is the record's: pipe runs --prune keeps the run a run
	// still going keeps nodes of.
	ResumedFrom string `json:"resumed_from,omitempty"`
	// Resume is the record's: what a resumed run compares of the run.
	Resume *RunResume `json:"resume,omitempty"`
	// Remote is where the run runs when it is not in this pipe's process
	// (temporal://HOST:PORT/NS): the journal is its client's, which
	// follows it; a client that dies leaves the run going there.
	Remote string `json:"remote,omitempty"`
	// Detached is set on the journal of a run started with --detach: no
	// pipe follows it but one that takes the journal up (pipe status
	// --wait), and one that does not is no pipe that died.
	Detached bool          `json:"detached,omitempty"`
	Nodes    []JournalNode `json:"nodes"`
}

// JournalNode is a node of the run, as the header lists it.
type JournalNode struct {
	ID     string `json:"id"`
	Module string `json:"module"`
	// Skipped is the reason a node the run does not select (--only, --skip)
	// is skipped: such a node never gets a line of its own.
	Skipped string `json:"skipped,omitempty"`
}

// writeJournalHeader writes the header and flushes it at once: a pipe
// killed a moment after its start still leaves its nodes behind. It runs
// before the first node starts.
func (c *core) writeJournalHeader() error {
	j := c.journal
	if j == nil {
		return nil
	}
	host, _ := os.Hostname()
	h := JournalHeader{
		Version: journalVersion, Run: c.rec.ID, Pipeline: c.rec.Pipeline, File: c.rec.File,
		StartedAt: c.rec.StartedAt, PID: os.Getpid(), Host: host, FileHash: c.rec.FileHash, Config: c.rec.Config,
		PipeVersion: c.rec.Version, ResumedFrom: c.rec.ResumedFrom, Resume: c.rec.Resume, Nodes: make([]JournalNode, len(c.nodes)),
	}
	for i := range c.nodes {
		st := &c.nodes[i]
		h.Nodes[i] = JournalNode{ID: c.plan.nodes[i].id, Module: st.rec.Module}
		if !st.selected {
			h.Nodes[i].Skipped = st.rec.Reason
		}
	}
	return j.writeHeader(&h)
}

// writeHeader writes h as the journal's first line, at once.
func (j *journal) writeHeader(h *JournalHeader) error {
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.header(h)
	if j.dropped > 0 {
		return fmt.Errorf("%w: its first line does not encode", ErrJournal)
	}
	if err := j.drain(); err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	if cap(j.buf) > maxJournalBuffer {
		j.buf = make([]byte, 0, journalChunk) // a huge header's, written
	}
	return nil
}

// header appends h's line, or counts it dropped. Callers hold wmu. It is
// encoded by hand, before the run's first node can start: a 100,000-node
// header took 14-18 ms through encoding/json, 5.5-6.3 ms this way. It is
// not bound by maxJournalBuffer, which bounds lines left unwritten while
// the run goes on: the header is written at once, and a pipeline of more
// than about 550,000 nodes has a header larger than that bound (it could
// not run: "its first line does not encode").
func (j *journal) header(h *JournalHeader) {
	n := len(j.buf)
	b, err := appendJournalHeader(j.buf, h)
	if err != nil {
		j.buf = b[:n]
		j.dropped++
		return
	}
	j.buf = append(b, '\n')
}

// journalNodeBytes is about what a node takes in the header, to grow the
// buffer once.
const journalNodeBytes = 40

// appendJournalHeader appends h as json.Marshal writes it.
func appendJournalHeader(b []byte, h *JournalHeader) ([]byte, error) {
	b = slices.Grow(b, 256+len(h.Nodes)*journalNodeBytes)
	b = append(b, `{"journal":`...)
	b = strconv.AppendInt(b, int64(h.Version), 10)
	b = append(b, `,"run":`...)
	b = appendString(b, h.Run)
	b = append(b, `,"pipeline":`...)
	b = appendString(b, h.Pipeline)
	if h.File != "" {
		b = append(b, `,"file":`...)
		b = appendString(b, h.File)
	}
	b = append(b, `,"started_at":`...)
	b, err := appendTime(b, h.StartedAt)
	if err != nil {
		return b, err
	}
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(h.PID), 10)
	if h.Host != "" {
		b = append(b, `,"host":`...)
		b = appendString(b, h.Host)
	}
	if h.FileHash != "" {
		b = append(b, `,"file_hash":`...)
		b = appendString(b, h.FileHash)
	}
	if len(h.Config) > 0 { // a few keys: encoding/json's bytes
		cfg, err := modules.MarshalJSON(h.Config)
		if err != nil {
			return b, err
		}
		b = append(b, `,"config":`...)
		b = append(b, cfg...)
	}
	if h.PipeVersion != "" {
		b = append(b, `,"pipe_version":`...)
		b = appendString(b, h.PipeVersion)
	}
	if h.ResumedFrom != "" {
		b = append(b, `,"resumed_from":`...)
		b = appendString(b, h.ResumedFrom)
	}
	if h.Resume != nil {
		r, err := modules.MarshalJSON(h.Resume)
		if err != nil {
			return b, err
		}
		b = append(b, `,"resume":`...)
		b = append(b, r...)
	}
	if h.Remote != "" {
		b = append(b, `,"remote":`...)
		b = appendString(b, h.Remote)
	}
	if h.Detached {
		b = append(b, `,"detached":true`...)
	}
	if h.Nodes == nil {
		return append(b, `,"nodes":null}`...), nil
	}
	b = append(b, `,"nodes":[`...)
	for i, n := range h.Nodes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendString(b, n.ID)
		b = append(b, `,"module":`...)
		b = appendString(b, n.Module)
		if n.Skipped != "" {
			b = append(b, `,"skipped":`...)
			b = appendString(b, n.Skipped)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}
