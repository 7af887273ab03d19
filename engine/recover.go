package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// ErrRunLive says a journal's pipe still runs: it holds the journal's lock.
var ErrRunLive = errors.New("the run is still going: its pipe holds the journal")

// ErrRunDetached says a journal is of a run started elsewhere with
// --detach that no pipe follows here: its lock says nothing of the run,
// which is not recovered as interrupted (see DetachedRecord).
var ErrRunDetached = errors.New("the run was started detached: it goes on, or ended, where it runs")

// ErrJournalUnreadable says a journal holds bytes of which no line is a
// run's header or a node's end: not a run pipe can describe. It is left as
// it is, never recovered into a record nor removed.
var ErrJournalUnreadable = errors.New("no line of it is a run's header or a node's end, so it is no run pipe can describe")

// Recovered is a run whose pipe died before writing its record, rebuilt
// from its journal.
type Recovered struct {
	Record *Record
	// Path is the record written; "" when it could not be (SaveErr).
	Path string
	// Journal is the journal the record came from: removed once the record
	// is written, kept when it could not be.
	Journal string
	Lost    int // nodes that never ended
	// Dropped counts journal lines that could not be read: the last one,
	// torn when pipe was killed in the middle of writing it.
	Dropped int
	// SaveErr says why the record could not be written (a read-only or
	// full runs directory): Record holds the run all the same, and the
	// journal stays for a later command to recover.
	SaveErr error
}

// writeRecord writes a recovered record; tests make it fail.
var writeRecord = WriteRecord

// RecoverRuns turns every journal in dir whose pipe is gone into a record
// of its run, interrupted: nodes that ended as they ended, the others
// lost. Journals of runs still going are left alone. A missing dir has
// nothing to recover.
func RecoverRuns(dir string) ([]Recovered, error) {
	return recoverRuns(dir, journalNames)
}

// RecoverAllRuns is RecoverRuns for journals with no marker too: it reads
// the whole runs directory (pipe runs, which lists it anyway). A journal
// has no marker when an older pipe, killed, left it in a directory a newer
// one has used.
func RecoverAllRuns(dir string) ([]Recovered, error) {
	return recoverRuns(dir, allJournalNames)
}

func recoverRuns(dir string, list func(dir string) ([]string, error)) ([]Recovered, error) {
	names, err := list(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil // no runs here; pipe run says what is wrong with dir
	}
	if err != nil {
		return nil, fmt.Errorf("looking for runs to recover: %w", err)
	}
	var out []Recovered
	var errs []error
	for _, name := range names {
		rec, err := RecoverJournal(filepath.Join(dir, name))
		switch {
		case errors.Is(err, ErrRunLive), errors.Is(err, errNoLocks), errors.Is(err, ErrRunDetached):
		case errors.Is(err, ErrJournalUnreadable):
			// Left as it is; ListRunsDamaged names it with the records
			// pipe cannot read.
		case err != nil:
			errs = append(errs, err)
		case rec != nil:
			out = append(out, *rec)
		}
	}
	return out, errors.Join(errs...)
}

// journalNames returns the names of the journals in dir, sorted: those
// the markers in dir's liveDir name (see CreateJournal), or, in a runs
// directory that has none (its runs were all made by a pipe from before
// markers), those its whole listing holds.
func journalNames(dir string) ([]string, error) {
	markers, err := listNames(filepath.Join(dir, liveDir))
	if err == nil {
		names := make([]string, 0, len(markers))
		for _, m := range markers {
			names = append(names, m+JournalSuffix)
		}
		slices.Sort(names)
		return names, nil
	}
	if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return nil, err
	}
	return allJournalNames(dir)
}

// allJournalNames returns the names of the journals in dir, sorted, from
// its whole listing.
func allJournalNames(dir string) ([]string, error) {
	all, err := listNames(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, name := range all {
		if strings.HasSuffix(name, JournalSuffix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// listNames lists the names of the files in dir (not its directories),
// unsorted: every pipe run reads its runs directory's, and os.ReadDir
// would sort them all.
func listNames(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, ent := range ents {
		if !ent.IsDir() {
			names = append(names, ent.Name())
		}
	}
	return names, nil
}

// RecoverJournal turns the journal at path into its run's record, if its
// pipe is gone (ErrRunLive otherwise), and removes the journal. It returns
// nil when there is nothing to do: the journal is gone, or its run's
// record was written before the journal could be removed (a file there
// that is not that record, ErrRecordInTheWay, is as a record that cannot
// be written: the run comes back with SaveErr). A journal of
// which nothing can be read is left as it is (ErrJournalUnreadable). When
// the record cannot be written, the run comes back all the same, with
// SaveErr set, and the journal stays.
func RecoverJournal(path string) (*Recovered, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		// Recovered by another pipe, or the run just ended: a marker left
		// by a pipe that died between removing the two goes too.
		return nil, removeJournal(path)
	}
	if err != nil {
		return nil, fmt.Errorf("recovering run: %w", err)
	}
	defer f.Close() // unlocks
	ok, err := tryLock(f)
	if err != nil {
		return nil, fmt.Errorf("recovering run: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, ErrRunLive)
	}
	// Locked: but another pipe may have recovered and removed the journal
	// between our open and our lock.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("recovering run: %w", err)
	}
	if now, err := os.Stat(path); err != nil || !os.SameFile(fi, now) {
		return nil, nil
	}
	dir := filepath.Dir(path)
	id := strings.TrimSuffix(filepath.Base(path), JournalSuffix)
	recPath := filepath.Join(dir, id+".json")
	inTheWay := recordInTheWay(recPath, id)
	if _, err := os.Lstat(recPath); err == nil && inTheWay == nil {
		// The run wrote its record and ended before removing its journal.
		return nil, removeJournal(path)
	}
	rec, lost, dropped, ok := readJournal(f, id, fi.ModTime())
	if !ok {
		return nil, unreadable(path)
	}
	if rec.Status == StatusDetached {
		return nil, fmt.Errorf("%s: %w", path, ErrRunDetached)
	}
	r := &Recovered{Record: rec, Journal: path, Lost: lost, Dropped: dropped}
	if inTheWay != nil {
		// Not this run's record: the journal is all there is of the run.
		// The file is left as it is, as pipe leaves what it cannot read.
		r.SaveErr = inTheWay
		return r, nil
	}
	if r.Path, err = writeRecord(dir, rec); err != nil {
		r.SaveErr = err
		return r, nil
	}
	return r, removeJournal(path)
}

// ErrRecordInTheWay says that where a run's record goes there is a file
// that is not its record: a directory, a file cut short or emptied, a
// copy of another run's record. A journal of that run is never removed
// on the strength of it.
var ErrRecordInTheWay = errors.New("where the run's record goes, is not its record")

// recordInTheWay says why the file at recPath, when there is one, is not
// run id's record (ErrRecordInTheWay); nil when it is, or when there is
// no file there.
func recordInTheWay(recPath, id string) error {
	fi, err := os.Lstat(recPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	why := ""
	switch {
	case err != nil:
		why = err.Error()
	case fi.IsDir():
		why = "it is a directory"
	default:
		rec, err := ReadRecord(recPath)
		switch {
		case err != nil:
			why = err.Error()
		case rec.ID != id:
			why = fmt.Sprintf("it holds run %s (a copy?)", rec.ID)
		default:
			return nil
		}
	}
	return fmt.Errorf("%s, %w (%s): the run is read from its journal, which stays; move %s out of the runs directory, and the next pipe command writes the record", recPath, ErrRecordInTheWay, why, recPath)
}

// unreadable is the error of a journal nothing can be read from.
func unreadable(path string) error {
	return fmt.Errorf("journal %s: %w; pipe leaves it as it is: delete it, or move it out of the runs directory, if nothing in it is wanted", path, ErrJournalUnreadable)
}

func removeJournal(path string) error {
	if err := RemoveJournal(path); err != nil {
		return fmt.Errorf("removing a recovered journal (remove it by hand): %w", err)
	}
	return nil
}
