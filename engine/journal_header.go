package engine

import (
	"fmt"
	"os"
	"time"
)

// journalVersion marks a journal's header line; journals of older pipes
// have none (their first line is a node's).
const journalVersion = 1

// JournalHeader is the first line of a run's journal: enough to write the
// run's record if pipe dies before it can, with every node, so that those
// that never ended can be listed as lost (see RecoverJournal).
type JournalHeader struct {
	Version   int           `json:"journal"`
	Run       string        `json:"run"`
	Pipeline  string        `json:"pipeline"`
	File      string        `json:"file,omitempty"`
	StartedAt time.Time     `json:"started_at"`
	PID       int           `json:"pid"`
	Host      string        `json:"host,omitempty"`
	Nodes     []JournalNode `json:"nodes"`
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
		StartedAt: c.rec.StartedAt, PID: os.Getpid(), Host: host,
		Nodes: make([]JournalNode, len(c.nodes)),
	}
	for i := range c.nodes {
		st := &c.nodes[i]
		h.Nodes[i] = JournalNode{ID: c.plan.nodes[i].ID, Module: st.rec.Module}
		if !st.selected {
			h.Nodes[i].Skipped = st.rec.Reason
		}
	}
	j.wmu.Lock()
	defer j.wmu.Unlock()
	j.line(h)
	if j.dropped > 0 {
		return fmt.Errorf("%w: its first line does not encode", ErrJournal)
	}
	if err := j.drain(); err != nil {
		return fmt.Errorf("%w: %w", ErrJournal, err)
	}
	return nil
}
