// Package cachestore owns the node cache's files under .pipe/cache/nodes:
// one file per entry (a header line of JSON, then the node's log), written
// to a temporary file and renamed into place, so that a reader (another
// pipe process too) sees a whole entry or none. An entry that cannot be
// read whole is a miss, never an error of the run. The store is bounded:
// Prune drops the least recently used entries past a size.
package cachestore

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// magic starts every entry file: a file of another format (or version)
// is a miss.
const magic = "pipe-cache-v1\n"

// DefaultMaxBytes bounds the store when nothing else is set.
const DefaultMaxBytes = 256 << 20

// MaxLog bounds the node log kept in an entry: past it the entry keeps
// the log's first MaxLog bytes and a line that says where the rest is.
const MaxLog = 16 << 20

// ErrMiss is returned by Get when there is no usable entry.
var ErrMiss = errors.New("no cache entry")

// Entry is what a node left: enough to give its outputs again.
type Entry struct {
	Key string `json:"key"`
	// Run is the run that made the entry, Pipeline and Node what ran.
	Run      string    `json:"run"`
	Pipeline string    `json:"pipeline"`
	Node     string    `json:"node"`
	Created  time.Time `json:"created"`
	Message  string    `json:"message,omitempty"`
	// Outputs are the node's outputs as JSON. Outputs holding a
	// non-finite number are OutputsText instead: Python's JSON (NaN,
	// Infinity, -Infinity as bare words), which is no JSON the entry's
	// header could hold as a value.
	Outputs     json.RawMessage `json:"outputs,omitempty"`
	OutputsText string          `json:"outputs_text,omitempty"`
	// Ingredients are what the key was made of, by name, each a digest:
	// explain compares them with the last entry's to say what changed
	// (see Last), resume with the entry a kept node came from. Get leaves
	// them out: a hit has no use for them.
	Ingredients []Ingredient `json:"ingredients"`
	// LogSize is the length of the log that follows the header.
	LogSize int64 `json:"log_size"`
}

// Ingredient is one part of a key: "module", "with.x", "config.K",
// "file:data.csv", "files:*.csv", with the digest of its value.
type Ingredient struct {
	Name   string `json:"name"`
	Digest string `json:"digest"`
	// Wrote marks a file that the run which made the entry wrote (a
	// model it saved): explain and the log say so when it is gone or
	// changed. It is not part of the key.
	Wrote bool `json:"wrote,omitempty"`
}

// Store is a directory of entries. Its methods are safe to call from
// several goroutines and processes at once.
type Store struct {
	dir string
}

// Open returns the store in dir; nothing is made until the first Put.
func Open(dir string) *Store { return &Store{dir: dir} }

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) path(key string) (string, error) {
	if len(key) < 8 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", fmt.Errorf("cache key %q is not a hex digest", key)
	}
	return filepath.Join(s.dir, key[:2], key+".entry"), nil
}

// Get returns the entry of key and its log. A missing, unreadable or
// corrupt entry is ErrMiss (wrapped with why). A hit marks the entry as
// used now, for Prune.
func (s *Store) Get(key string) (*Entry, []byte, error) { return s.get(key, true) }

// Peek is Get without marking the entry used, with its ingredients
// (pipe explain, a resumed run that says what changed).
func (s *Store) Peek(key string) (*Entry, error) {
	e, _, err := s.get(key, false)
	return e, err
}

// get reads the entry of key; touch marks it used (a hit), and leaves
// its ingredients out.
func (s *Store) get(key string, touch bool) (*Entry, []byte, error) {
	path, err := s.path(key)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMiss, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMiss, err)
	}
	e, log, err := decode(data, !touch)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrMiss, path, err)
	}
	if e.Key != key {
		return nil, nil, fmt.Errorf("%w: %s holds the entry of %s", ErrMiss, path, e.Key)
	}
	if touch {
		now := time.Now()
		_ = os.Chtimes(path, now, now) // a store we cannot touch still serves
	}
	return e, log, nil
}

// decode reads an entry; its ingredients only when ingredients is set.
func decode(data []byte, ingredients bool) (*Entry, []byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok {
		return nil, nil, errNotEntry
	}
	head, log, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil, nil, errCutInHeader
	}
	e, err := decodeHeader(head, ingredients)
	if err != nil {
		return nil, nil, err
	}
	if int64(len(log)) != e.LogSize {
		return nil, nil, fmt.Errorf("log of %d bytes, header says %d", len(log), e.LogSize)
	}
	return e, log, nil
}

var (
	errNotEntry    = errors.New("not a cache entry of this version")
	errCutInHeader = errors.New("cut short in its header")
)

// decodeHeader reads an entry's header line; its ingredients only when
// ingredients is set.
func decodeHeader(head []byte, ingredients bool) (*Entry, error) {
	var e Entry
	// The ingredients, one per input, config value and file, are kept
	// raw (one allocation, not two per ingredient): see Entry.Ingredients.
	h := struct {
		*Entry
		Ingredients json.RawMessage `json:"ingredients"`
	}{Entry: &e}
	if err := json.Unmarshal(head, &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if ingredients && len(h.Ingredients) > 0 {
		if err := json.Unmarshal(h.Ingredients, &e.Ingredients); err != nil {
			return nil, fmt.Errorf("header: ingredients: %w", err)
		}
	}
	return &e, nil
}

// Put writes e, with the log file at logPath ("" or a missing file for
// none), replacing any entry of the same key. Concurrent Puts of one key
// leave one of them whole. A zero Created is set to now.
func (s *Store) Put(e *Entry, logPath string) error {
	path, err := s.path(e.Key)
	if err != nil {
		return err
	}
	log, err := readLog(logPath)
	if err != nil {
		return err
	}
	e.LogSize = int64(len(log))
	if e.Created.IsZero() {
		e.Created = time.Now().UTC()
	}
	head, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return writeFile(path, func(w *bufio.Writer) {
		w.WriteString(magic)
		w.Write(head)
		w.WriteByte('\n')
		w.Write(log)
	})
}

// writeFile writes path by a temporary file beside it, renamed into place:
// a reader, in this process or another, sees the old file or the whole new
// one.
func writeFile(path string, fill func(*bufio.Writer)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing there
	w := bufio.NewWriter(tmp)
	fill(w)
	err = w.Flush()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// tmpPrefix names entries being written; Prune removes old ones (a pipe
// that died while writing).
const tmpPrefix = ".tmp-"

// readLog reads a node's log, cut at MaxLog.
func readLog(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	log, err := io.ReadAll(io.LimitReader(f, MaxLog+1))
	if err != nil {
		return nil, err
	}
	if len(log) > MaxLog {
		log = append(log[:MaxLog:MaxLog], fmt.Sprintf("\n[pipe: the cache kept the first %d MiB of this log; the whole is in %s]\n", MaxLog>>20, path)...)
	}
	return log, nil
}

// Last returns the ingredients of the last entry stored for node of
// pipeline, and the run that stored it; ok is false when there is none.
func (s *Store) Last(pipeline, node string) (run string, ingredients []Ingredient, ok bool) {
	data, err := os.ReadFile(s.lastPath(pipeline, node))
	if err != nil {
		return "", nil, false
	}
	var l last
	if json.Unmarshal(data, &l) != nil {
		return "", nil, false
	}
	return l.Run, l.Ingredients, true
}

type last struct {
	Run         string       `json:"run"`
	Ingredients []Ingredient `json:"ingredients"`
}

// SetLast records e as the last entry of its node, for Last.
func (s *Store) SetLast(e *Entry) error {
	data, err := json.Marshal(last{Run: e.Run, Ingredients: e.Ingredients})
	if err != nil {
		return err
	}
	return writeFile(s.lastPath(e.Pipeline, e.Node), func(w *bufio.Writer) { w.Write(data) })
}

// lastPath names the last-entry file of a node: a hex name, whatever
// characters the pipeline and node names hold.
func (s *Store) lastPath(pipeline, node string) string {
	name := hex.EncodeToString([]byte(pipeline + "\x00" + node))
	if len(name) > 200 {
		name = Digest([]byte(name))
	}
	return filepath.Join(s.dir, lastDir, name+".json")
}
