//go:build !notemporal

package main

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/pipe-run/pipe/engine"
)

// takeUp takes up the journal that run --on --detach left in dir for run
// id, for a pipe status --wait that follows the run: the run is listed
// running while it does, shows the nodes that end, and is listed detached
// again if it stops following. nil when there is none (a run started
// elsewhere: it is recorded here at its end all the same), or another
// pipe follows it (that one records it).
func takeUp(e *env, dir, id string) *engine.FollowJournal {
	j, err := engine.OpenFollowJournal(filepath.Join(dir, id+engine.JournalSuffix), id)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, engine.ErrRunLive):
		e.logs.base.Info("another pipe follows this run here too: its journal is that one's", "run", id)
	case err != nil:
		e.logs.base.Warn("the run's journal here could not be taken up: pipe runs lists it detached while this pipe follows it", "err", err)
	}
	return j
}

// settled removes the journal of run id in dir once the run's record is
// there: a detached run, recorded by pipe status, is listed as it ended.
func settled(dir, id string) {
	if rec, err := engine.ReadRecord(filepath.Join(dir, id+".json")); err == nil && rec.ID == id {
		engine.RemoveJournal(filepath.Join(dir, id+engine.JournalSuffix))
	}
}
