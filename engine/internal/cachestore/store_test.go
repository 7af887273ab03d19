package cachestore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func entry(key string) *Entry {
	return &Entry{Key: key, Run: "r1", Pipeline: "p", Node: "n", Message: "did it",
		Outputs: []byte(`{"x":1}`), Ingredients: []Ingredient{{Name: "module", Digest: "echo@"}}}
}

func key(i int) string { return Digest([]byte(fmt.Sprint(i))) }

func writeLog(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "n.log")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPutGet(t *testing.T) {
	s := Open(t.TempDir())
	if _, _, err := s.Get(key(1)); !errors.Is(err, ErrMiss) {
		t.Fatalf("empty store: %v, want a miss", err)
	}
	if err := s.Put(entry(key(1)), writeLog(t, "line 1\nline 2\n")); err != nil {
		t.Fatal(err)
	}
	e, log, err := s.Get(key(1))
	if err != nil {
		t.Fatal(err)
	}
	if e.Message != "did it" || string(e.Outputs) != `{"x":1}` || string(log) != "line 1\nline 2\n" {
		t.Errorf("got %+v, log %q", e, log)
	}
	if err := s.Put(entry(key(2)), filepath.Join(t.TempDir(), "none.log")); err != nil {
		t.Fatal(err)
	}
	if _, log, err := s.Get(key(2)); err != nil || len(log) != 0 {
		t.Errorf("no log file: log %q, %v", log, err)
	}
}

// TestCorruptIsMiss: whatever is wrong with an entry file, Get says miss.
func TestCorruptIsMiss(t *testing.T) {
	s := Open(t.TempDir())
	k := key(1)
	if err := s.Put(entry(k), writeLog(t, "hello\n")); err != nil {
		t.Fatal(err)
	}
	path, _ := s.path(k)
	good, _ := os.ReadFile(path)
	other := bytes.Replace(good, []byte(k), []byte(key(2)), 1)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"other format", []byte("{}\n")},
		{"cut in the header", good[:len(magic)+10]},
		{"cut in the log", good[:len(good)-2]},
		{"longer log", append(append([]byte{}, good...), "more"...)},
		{"bad json", []byte(magic + "{not json\n")},
		{"another key's entry", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Get(k); !errors.Is(err, ErrMiss) {
				t.Errorf("Get: %v, want a miss", err)
			}
		})
	}
	if _, _, err := s.Get("../../etc/passwd"); !errors.Is(err, ErrMiss) {
		t.Errorf("a key that is not a digest: %v, want a miss", err)
	}
}

// TestConcurrentPutGet: readers never see half an entry while writers
// replace it (run with -race; two pipe processes do the same syscalls).
func TestConcurrentPutGet(t *testing.T) {
	s := Open(t.TempDir())
	k := key(1)
	big := strings.Repeat("x", 1<<20)
	logs := []string{writeLog(t, "a"+big), writeLog(t, "b"+big)}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for range 20 {
				if err := s.Put(entry(k), logs[w%2]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for range 40 {
				_, log, err := s.Get(k)
				if errors.Is(err, fs.ErrNotExist) {
					continue // not written yet
				}
				if err != nil {
					t.Errorf("a reader saw a broken entry: %v", err)
					return
				}
				if len(log) != len(big)+1 {
					t.Errorf("log of %d bytes, want %d", len(log), len(big)+1)
					return
				}
			}
		})
	}
	wg.Wait()
	left, _ := filepath.Glob(filepath.Join(s.dir, "*", tmpPrefix+"*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestPruneLRU: past the bound, the least recently used go first; a Get
// makes an entry recent.
func TestPruneLRU(t *testing.T) {
	s := Open(t.TempDir())
	log := writeLog(t, strings.Repeat("y", 1000))
	old := time.Now().Add(-time.Hour)
	for i := range 5 {
		if err := s.Put(entry(key(i)), log); err != nil {
			t.Fatal(err)
		}
		path, _ := s.path(key(i))
		at := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(path, at, at)
	}
	if _, _, err := s.Get(key(0)); err != nil { // the oldest, used now
		t.Fatal(err)
	}
	stale := filepath.Join(s.dir, "00", tmpPrefix+"dead")
	os.MkdirAll(filepath.Dir(stale), 0o700)
	os.WriteFile(stale, []byte("half"), 0o600)
	os.Chtimes(stale, old, old)

	// Entries differ by a byte or two (their creation times): room for
	// the three largest keeps three.
	var size int64
	for i := range 5 {
		path, _ := s.path(key(i))
		if fi, err := os.Stat(path); err == nil {
			size = max(size, fi.Size())
		}
	}
	p, err := s.Prune(3 * size)
	if err != nil {
		t.Fatal(err)
	}
	if p.Removed != 2 || p.Entries != 3 || p.Bytes > 3*size {
		t.Errorf("pruned %+v, want 2 removed, 3 kept", p)
	}
	for i, want := range []bool{true, false, false, true, true} {
		_, _, err := s.Get(key(i))
		if got := err == nil; got != want {
			t.Errorf("entry %d kept %v, want %v", i, got, want)
		}
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if p, err := Open(filepath.Join(t.TempDir(), "none")).Prune(0); err != nil || p.Entries != 0 {
		t.Errorf("a store never written: %+v, %v", p, err)
	}
}

// Prune removes the store's entries only: the store is a directory under
// one the user chose (--runs-dir names its parent), which may hold files
// of theirs named like entries.
func TestPruneLeavesOtherFiles(t *testing.T) {
	s := Open(t.TempDir())
	if err := s.Put(entry(key(1)), ""); err != nil {
		t.Fatal(err)
	}
	theirs := []string{"ab/notes.entry", "notes.entry", "drafts/" + key(2) + ".entry", key(3)[:2] + "/sub/" + key(3) + ".entry",
		"00/" + key(4) + ".entry"} // key(4) does not start with 00
	for _, name := range theirs {
		path := filepath.Join(s.dir, name)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.Prune(0)
	if err != nil || p.Removed != 1 {
		t.Errorf("Prune(0) = %+v, %v: want the one entry removed", p, err)
	}
	for _, name := range theirs {
		if _, err := os.Stat(filepath.Join(s.dir, name)); err != nil {
			t.Errorf("Prune removed %s, which is not an entry of the store: %v", name, err)
		}
	}
}

func TestLogCut(t *testing.T) {
	s := Open(t.TempDir())
	if err := s.Put(entry(key(1)), writeLog(t, strings.Repeat("z", MaxLog+10))); err != nil {
		t.Fatal(err)
	}
	_, log, err := s.Get(key(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(log) < MaxLog || !bytes.Contains(log[MaxLog:], []byte("the cache kept the first")) {
		t.Errorf("a log over MaxLog: %d bytes, ends %q", len(log), log[len(log)-60:])
	}
}

func TestLast(t *testing.T) {
	s := Open(t.TempDir())
	if _, _, ok := s.Last("p", "n"); ok {
		t.Fatal("a last entry in an empty store")
	}
	e := entry(key(1))
	if err := s.SetLast(e); err != nil {
		t.Fatal(err)
	}
	run, ins, ok := s.Last("p", "n")
	if !ok || run != "r1" || len(ins) != 1 || ins[0].Name != "module" {
		t.Errorf("Last: %q %v %v", run, ins, ok)
	}
	if _, _, ok := s.Last("p", "other"); ok {
		t.Error("another node's last entry")
	}
}

// An entry says when it was made.
func TestPutSetsCreated(t *testing.T) {
	s := Open(t.TempDir())
	before := time.Now()
	if err := s.Put(entry(key(1)), ""); err != nil {
		t.Fatal(err)
	}
	e, _, err := s.Get(key(1))
	if err != nil || e.Created.Before(before.Add(-time.Second)) || e.Created.After(time.Now()) {
		t.Errorf("created %v, err %v", e.Created, err)
	}
}
