package cachestore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Digest is the hex SHA-256 of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Key is the key of a list of ingredients: the digest of their names and
// digests, in the order given (the caller sorts them).
func Key(ingredients []Ingredient) string {
	// One buffer, hashed once: writing each string to a hash.Hash
	// allocates a copy of it (a node that gets the run's environment has
	// an ingredient per variable).
	n := len(magic)
	for _, in := range ingredients {
		n += len(in.Name) + len(in.Digest) + 2
	}
	b := make([]byte, 0, n)
	b = append(b, magic...)
	for _, in := range ingredients {
		b = append(b, in.Name...)
		b = append(b, 0)
		b = append(b, in.Digest...)
		b = append(b, '\n')
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// staleTmp is how old a temporary file must be for Prune to take it for
// the leftover of a pipe that died while writing.
const staleTmp = time.Hour

// Pruned says what Prune did.
type Pruned struct {
	Entries, Removed int
	// Bytes is the size of the entries kept.
	Bytes, Freed int64
}

// Prune removes the least recently used entries (by modification time,
// which Get renews) until the entries take at most max bytes, and stale
// temporary files. Another pipe pruning at once is harmless: a file gone
// already is skipped.
func (s *Store) Prune(max int64) (Pruned, error) {
	var p Pruned
	files, err := s.entryFiles(true)
	if err != nil {
		return p, err
	}
	for _, f := range files {
		p.Bytes += f.size
	}
	p.Entries = len(files)
	if p.Bytes <= max {
		return p, nil
	}
	slices.SortFunc(files, func(a, b entryFile) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		if p.Bytes <= max {
			break
		}
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return p, err
		}
		p.Bytes -= f.size
		p.Freed += f.size
		p.Removed++
		p.Entries--
	}
	return p, nil
}

// entryFile is an entry's file as the store's directory lists it.
type entryFile struct {
	path, key string
	size      int64
	mod       time.Time // when it was stored or last hit (Get renews it)
}

// entryFiles lists the store's entry files; a store not made yet has
// none. With dropStale it removes the temporary files that a pipe which
// died while writing left (older than staleTmp). It reads only the
// store's own names: the store may be inside a directory of the user's
// (--runs-dir names its parent), and what else is there is left alone.
func (s *Store) entryFiles(dropStale bool) ([]entryFile, error) {
	var files []entryFile
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path == s.dir || filepath.Dir(path) == s.dir && (name == lastDir || isShard(name)) {
				return nil
			}
			return fs.SkipDir // not the store's: a directory of the user's that happens to be here
		}
		shard := filepath.Base(filepath.Dir(path))
		if filepath.Dir(path) == s.dir {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		switch {
		case strings.HasPrefix(name, tmpPrefix):
			if dropStale && time.Since(info.ModTime()) > staleTmp {
				_ = os.Remove(path)
			}
		case isEntryName(shard, name):
			files = append(files, entryFile{path, strings.TrimSuffix(name, ".entry"), info.Size(), info.ModTime()})
		}
		return nil
	})
	return files, err
}

// lastDir holds the last entry of each node (see Store.Last).
const lastDir = "last"

// isShard reports whether name is one of the store's directories of
// entries: the first two hex digits of their keys.
func isShard(name string) bool {
	return len(name) == 2 && strings.Trim(name, "0123456789abcdef") == ""
}

// isEntryName reports whether name, in directory shard, is the store's
// name for an entry (Store.path): its hex key, which starts with shard,
// and ".entry". Prune removes nothing else: the store may be inside a
// directory of the user's (--runs-dir names its parent).
func isEntryName(shard, name string) bool {
	key, ok := strings.CutSuffix(name, ".entry")
	return ok && isShard(shard) && strings.HasPrefix(key, shard) && len(key) == 64 && strings.Trim(key, "0123456789abcdef") == ""
}
