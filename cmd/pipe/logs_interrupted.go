package main

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// interrupted ends pipe logs of run id in dir, once what there was is
// printed: a run whose pipe died (kill -9, a crash) has its output cut
// where it died, which the lines alone do not tell. It says so, exit 1,
// as a node that left no output because it was lost does: of the whole
// run when it was interrupted so, of the node printed (c.Node, c.only)
// when it was lost. A run that ended, or goes on, is nil.
func (c *logsCmd) interrupted(e *env, dir, id string) error {
	rec := endedRecord(e, dir, id)
	if rec == nil {
		return nil
	}
	var lost []string
	for n, node := range rec.Nodes {
		printed := c.Node == "" && c.only == nil || n == c.Node || slices.Contains(c.only, n)
		if node.Status == engine.StatusLost && printed {
			lost = append(lost, n)
		}
	}
	slices.Sort(lost)
	switch {
	case c.Node != "" && len(lost) == 1:
		return fail(exitFailed, "node %s of run %s was lost: %s; its output may stop short", c.Node, id, clipText(rec.Nodes[c.Node].Reason, maxReasonShown))
	case c.Node != "" || rec.Status != engine.StatusInterrupted:
		return nil
	case len(lost) > 0:
		nodes := "node " + lost[0]
		if len(lost) > 1 {
			nodes = "nodes " + strings.Join(lost, ", ")
		}
		return fail(exitFailed, "run %s was interrupted: %s; what lost %s printed may stop short", id, rec.Reason, nodes)
	}
	return fail(exitFailed, "run %s was interrupted: %s", id, rec.Reason)
}

// endedRecord is the record of run id in dir once the run has ended:
// recovered from its journal when its pipe died (and said, as other
// commands say it); nil while it goes on or when it cannot be read.
func endedRecord(e *env, dir, id string) *engine.Record {
	rec, err := engine.ReadRecord(filepath.Join(dir, id+".json"))
	if err == nil {
		return rec
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	r, err := engine.RecoverJournal(filepath.Join(dir, id+engine.JournalSuffix))
	if r == nil {
		return nil
	}
	logRecovered(e, *r)
	return r.Record
}
