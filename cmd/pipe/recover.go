package main

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// recoverRuns turns the journals in dir whose pipe died (killed outright)
// into records, with a line each: those with a marker, or, with all,
// every journal in dir (see engine.RecoverAllRuns).
func recoverRuns(e *env, dir string, all bool) {
	find := engine.RecoverRuns
	if all {
		find = engine.RecoverAllRuns
	}
	recs, err := find(dir)
	for _, r := range recs {
		logRecovered(e, r)
	}
	if err != nil {
		e.logs.base.Warn("could not recover every run whose pipe died", "err", err)
	}
}

func logRecovered(e *env, r engine.Recovered) {
	what := "recovered a run whose pipe died before writing its record"
	if r.Record.Status != engine.StatusInterrupted {
		// Its journal ends with the run's end: pipe finished it, but
		// died before it wrote the record (killed, out of memory) or
		// could not write it (the disk).
		what = "recovered the record of a run that ended but whose pipe could not write it"
	}
	if r.SaveErr != nil {
		// Shown from its journal, in memory: warned of once a command.
		if e.unsaved[r.Journal] {
			return
		}
		if e.unsaved == nil {
			e.unsaved = map[string]bool{}
		}
		e.unsaved[r.Journal] = true
		e.logs.base.Warn(what+", but could not save the record: shown from its journal, which stays until a pipe command can write it",
			"run", r.Record.ID, "pipeline", r.Record.Pipeline, "lost", r.Lost, "journal", r.Journal, "err", r.SaveErr)
		return
	}
	e.logs.base.Warn(what,
		"run", r.Record.ID, "pipeline", r.Record.Pipeline, "lost", r.Lost, "record", r.Path)
}

// readRun reads a run record, or, when the run has only its journal (its
// pipe died), recovers the record from it first. path is the record's
// (<id>.json) or the journal's (<id>.events.jsonl).
func readRun(e *env, path string) (*engine.Record, error) {
	recPath := strings.TrimSuffix(path, engine.JournalSuffix)
	if recPath != path {
		recPath += ".json"
	} else if rec, err := engine.ReadRecord(path); !errors.Is(err, fs.ErrNotExist) {
		return rec, err
	}
	journal := strings.TrimSuffix(recPath, ".json") + engine.JournalSuffix
	r, err := engine.RecoverJournal(journal)
	switch {
	case errors.Is(err, engine.ErrRunLive):
		return nil, &exitError{code: exitFailed, err: runLive(filepath.Base(strings.TrimSuffix(journal, engine.JournalSuffix)))}
	case errors.Is(err, engine.ErrRunDetached):
		// Known here as far as a pipe that followed it saw.
		return engine.DetachedRecord(journal)
	case err != nil:
		return nil, err
	case r != nil:
		logRecovered(e, *r)
		return r.Record, nil
	}
	return engine.ReadRecord(recPath) // recovered by another pipe meanwhile, or never there
}

// runLive is the error of a run still going, where a command wants its
// record: errors.Is(err, engine.ErrRunLive) tells it.
type runLive string

func (id runLive) Error() string {
	return "run " + string(id) + " is still going: its record is written when it ends"
}

func (runLive) Is(target error) bool { return target == engine.ErrRunLive }
