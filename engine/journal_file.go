package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	if ok, err := tryLock(f); err != nil && err != errNoLocks || err == nil && !ok {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("locking the run's journal %s: %v", tmp, lockFailure(ok, err))
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("creating the run's journal: %w", err)
	}
	return f, nil
}

func lockFailure(ok bool, err error) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("another process holds it")
}
