package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// JournalSuffix ends the name of a run's journal: <run id>.events.jsonl.
const JournalSuffix = ".events.jsonl"

// CreateJournal creates a run's journal at path, locked (flock) for as
// long as the file stays open: a journal that a pipe command can lock has
// lost its pipe (see RecoverRuns), without guessing from process ids. Close
// it only once the run's record is written. The file is made under
// another name and renamed once locked, so that no other pipe ever sees it
// unlocked while its run lives.
func CreateJournal(path string) (*os.File, error) {
	if !strings.HasSuffix(path, JournalSuffix) {
		return nil, fmt.Errorf("journal %s: the name must end in %s", path, JournalSuffix)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	if !haveLocks {
		// Nothing to tell a live journal from an orphan by: RecoverRuns
		// leaves journals alone here, and a file is not renamed while open.
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating the run's journal: %w", err)
		}
		return f, nil
	}
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	ok, err := tryLock(f)
	switch {
	case err != nil:
		return fail(err)
	case !ok: // nobody else knows the name: a lock cannot be held
		return fail(fmt.Errorf("%s is locked by another process", tmp))
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	// The journal first, then its marker: a marker never names a journal
	// that is not there yet, so one without its journal is stale.
	if err := mark(path); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	return f, nil
}

// liveDir is the directory, in a runs directory, of an empty file named
// after each run whose journal is there (its marker): RecoverRuns reads it
// rather than the runs directory, which holds every past run's record and
// logs. With 10,000 past runs, reading those took 6 ms of every pipe run
// (1.7x a 1-node run).
const liveDir = ".live"

// markerOf is the marker of the journal at path.
func markerOf(path string) string {
	dir, name := filepath.Split(path)
	return filepath.Join(dir, liveDir, strings.TrimSuffix(name, JournalSuffix))
}

// mark makes the marker of the journal at path.
func mark(path string) error {
	marker := markerOf(path)
	dir := filepath.Dir(marker)
	f, err := os.OpenFile(marker, os.O_CREATE|os.O_WRONLY, 0o600)
	if errors.Is(err, fs.ErrNotExist) { // the first run here
		if err := makeLiveDir(dir); err != nil {
			return err
		}
		f, err = os.OpenFile(marker, os.O_CREATE|os.O_WRONLY, 0o600)
	}
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrNotExist) { // a file, a dangling link
		return fmt.Errorf("%s is not a directory (pipe keeps an empty file per live run there): move it away", dir)
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// makeLiveDir makes dir, the markers' directory, as open as the runs
// directory it is in, whatever the umask: a runs directory that a group
// shares (mode 2775) must not get a .live only its first user can write.
func makeLiveDir(dir string) error {
	runs, err := os.Stat(filepath.Dir(dir))
	if err != nil {
		return err
	}
	mode := runs.Mode() & (fs.ModePerm | fs.ModeSetgid)
	if err := os.Mkdir(dir, mode.Perm()); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil // made by another pipe just now, or not a directory (the caller says)
		}
		return err
	}
	return os.Chmod(dir, mode)
}

// RemoveJournal removes a run's journal, once its record is written, and
// then the journal's marker. A journal already gone is no error.
func RemoveJournal(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Remove(markerOf(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
