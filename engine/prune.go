package engine

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// OrphanQuiet is how long nothing must have been written in a log
// directory of no run before RemoveOrphanLogs removes it. A run on
// Temporal workers that write their logs into this runs directory has
// neither a journal nor a record here while it goes: the wait keeps the
// logs of one still going (a node silent for longer loses its log).
const OrphanQuiet = time.Hour

// RemoveOrphanLogs removes the log directories in dir of runs that have
// neither a record nor a journal there (their record was deleted by hand,
// or they ran on a worker whose --runs-dir this is), and in which nothing
// was written for OrphanQuiet before now. Only directories named as pipe
// names runs (NewRunID) are touched, and none of keep. It returns the ids
// removed.
func RemoveOrphanLogs(dir string, now time.Time, keep map[string]bool) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking for log directories of no run: %w", err)
	}
	var removed []string
	var errs []error
	for _, ent := range ents {
		id := ent.Name()
		if !ent.IsDir() || !IsNewRunID(id) || keep[id] || fileExists(filepath.Join(dir, id+".json")) || fileExists(filepath.Join(dir, id+JournalSuffix)) {
			continue
		}
		if last, err := lastWrite(filepath.Join(dir, id)); err != nil || now.Sub(last) < OrphanQuiet {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, id)); err != nil {
			errs = append(errs, fmt.Errorf("removing the logs of run %s: %w", id, err))
			continue
		}
		removed = append(removed, id)
	}
	return removed, errors.Join(errs...)
}

// lastWrite is the latest modification time of dir and what it holds.
func lastWrite(dir string) (time.Time, error) {
	var last time.Time
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.ModTime().After(last) {
			last = fi.ModTime()
		}
		return nil
	})
	return last, err
}

// IsNewRunID reports whether id is as NewRunID makes them: its start,
// to the second in UTC, a dash and 8 hex digits.
func IsNewRunID(id string) bool {
	_, ok := runIDTime(id)
	return ok && len(id) == len(runIDLayout)+1+8 && id[len(runIDLayout)] == '-' && isHex(id[len(runIDLayout)+1:])
}

// runIDLayout is the time at the start of a run id (NewRunID).
const runIDLayout = "20060102T150405Z"

// runIDTime is the second a run id made by NewRunID says the run
// started in; false for an id made otherwise.
func runIDTime(id string) (time.Time, bool) {
	if len(id) < len(runIDLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(runIDLayout, id[:len(runIDLayout)])
	return t, err == nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}
