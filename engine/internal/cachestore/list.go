package cachestore

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// This file holds what `pipe cache` does with the store: list its
// entries, remove some or all. Removing is safe while runs read and write
// the store: a reader has the whole file open or gets no file (a miss),
// and a run that stores an entry as it goes renames a whole file into
// place, which a removal before it does not touch.

// Listed is an entry as List finds it: its header, without ingredients,
// its file's size and when a run last used it.
type Listed struct {
	Entry
	Size int64
	// Used is when the entry was stored or last hit: Prune drops the
	// least recently used first.
	Used time.Time
	// Unreadable says why the entry cannot be read, when it cannot (cut
	// short, changed by hand, of another version): a run misses it, and
	// only its Key is known.
	Unreadable string
}

// List returns the store's entries, in no order; a store not made yet has
// none. It reads each entry's header, not its log.
func (s *Store) List() ([]Listed, error) {
	files, err := s.entryFiles(false)
	if err != nil {
		return nil, err
	}
	out := make([]Listed, 0, len(files))
	for _, f := range files {
		l := Listed{Size: f.size, Used: f.mod}
		e, err := readHeader(f.path, f.size)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue // removed since the directory was read
		case err == nil && e.Key != f.key:
			err = fmt.Errorf("holds the entry of %s", e.Key)
		}
		if err != nil {
			l.Key, l.Unreadable = f.key, err.Error()
		} else {
			l.Entry = *e
		}
		out = append(out, l)
	}
	return out, nil
}

// readHeader reads the header of the entry file at path, of size bytes,
// and checks that the log after it is as long as it says: what Get would
// find wrong with the file, but its log, is found wrong here.
func readHeader(path string, size int64) (*Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	m := make([]byte, len(magic))
	if _, err := io.ReadFull(r, m); err != nil || string(m) != magic {
		return nil, errNotEntry
	}
	head, err := r.ReadBytes('\n')
	if err != nil {
		return nil, errCutInHeader
	}
	e, err := decodeHeader(head[:len(head)-1], false)
	if err != nil {
		return nil, err
	}
	if log := size - int64(len(magic)+len(head)); log != e.LogSize {
		return nil, fmt.Errorf("log of %d bytes, header says %d", log, e.LogSize)
	}
	return e, nil
}

// Remove removes the entry of key, whole: a run that reads it at once
// has all of it, or misses it. It reports false for an entry gone already.
func (s *Store) Remove(key string) (bool, error) {
	path, err := s.path(key)
	if err != nil {
		return false, err
	}
	switch err := os.Remove(path); {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	default:
		return false, err
	}
}

// ForgetLast removes the record of the last entry of node of pipeline
// (see Last): once its entries are removed, explain says "no earlier
// entry" rather than what changed since one that is gone.
func (s *Store) ForgetLast(pipeline, node string) error {
	if err := os.Remove(s.lastPath(pipeline, node)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ForgetAll removes the record of the last entry of every node, and the
// temporary files that pipes which died while writing left: with every
// entry removed, what is left of the store.
func (s *Store) ForgetAll() error {
	if _, err := s.entryFiles(true); err != nil { // drops stale temporary files
		return err
	}
	ents, err := os.ReadDir(filepath.Join(s.dir, lastDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range ents {
		name, ok := strings.CutSuffix(d.Name(), ".json")
		if _, herr := hex.DecodeString(name); !ok || herr != nil || d.IsDir() {
			continue // not one of ours
		}
		if err := os.Remove(filepath.Join(s.dir, lastDir, d.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
