package cachestore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestList: each entry with what its header says and its file's size;
// an entry that a run would miss is listed as unreadable, with why;
// files that are not the store's are not listed.
func TestList(t *testing.T) {
	s := Open(t.TempDir())
	if got, err := s.List(); err != nil || len(got) != 0 {
		t.Fatalf("a store not made yet: %v, %v", got, err)
	}
	log := writeLog(t, "a line\n")
	for i := range 2 {
		e := entry(key(i))
		e.Node = []string{"fit", "fan[a]"}[i]
		if err := s.Put(e, log); err != nil {
			t.Fatal(err)
		}
	}
	damage := map[int]func(path string){
		2: func(path string) { // cut short in its log
			data, _ := os.ReadFile(path)
			os.WriteFile(path, data[:len(data)-3], 0o600)
		},
		3: func(path string) { os.WriteFile(path, []byte("something else\n"), 0o600) },
		4: func(path string) { // another key's entry under this name
			other, _ := s.path(key(0))
			data, _ := os.ReadFile(other)
			os.WriteFile(path, data, 0o600)
		},
	}
	for i, spoil := range damage {
		if err := s.Put(entry(key(i)), log); err != nil {
			t.Fatal(err)
		}
		path, _ := s.path(key(i))
		spoil(path)
	}
	os.WriteFile(filepath.Join(s.dir, "notes.txt"), []byte("mine"), 0o600)
	os.MkdirAll(filepath.Join(s.dir, "zz"), 0o700)
	os.WriteFile(filepath.Join(s.dir, "zz", key(9)+".entry"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(s.dir, key(0)[:2], tmpPrefix+"being-written"), []byte("half"), 0o600)

	got, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Listed{}
	for _, l := range got {
		byKey[l.Key] = l
	}
	if len(got) != 5 || len(byKey) != 5 {
		t.Fatalf("listed %d entries, want 5: %+v", len(got), got)
	}
	for i, node := range []string{"fit", "fan[a]"} {
		l := byKey[key(i)]
		path, _ := s.path(key(i))
		fi, _ := os.Stat(path)
		if l.Unreadable != "" || l.Node != node || l.Pipeline != "p" || l.Run != "r1" || l.Size != fi.Size() || !l.Used.Equal(fi.ModTime()) || l.Created.IsZero() {
			t.Errorf("entry %d: %+v", i, l)
		}
		if l.Ingredients != nil {
			t.Errorf("entry %d: listed with its ingredients", i)
		}
	}
	for i, want := range map[int]string{2: "log of", 3: "not a cache entry", 4: "holds the entry of"} {
		if l := byKey[key(i)]; !strings.Contains(l.Unreadable, want) || l.Size == 0 {
			t.Errorf("damaged entry %d: unreadable %q, want %q (size %d)", i, l.Unreadable, want, l.Size)
		}
		if _, _, err := s.Get(key(i)); !errors.Is(err, ErrMiss) {
			t.Errorf("damaged entry %d is no miss for a run: %v", i, err)
		}
	}
}

// TestRemove: an entry removed is a miss; one gone already is no error,
// and is not counted; ForgetAll leaves the user's files.
func TestRemove(t *testing.T) {
	s := Open(t.TempDir())
	e := entry(key(1))
	if err := s.Put(e, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLast(e); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if gone, err := s.Remove(key(1)); gone != want || err != nil {
			t.Errorf("remove %d: %v, %v; want %v", i+1, gone, err, want)
		}
	}
	if _, _, err := s.Get(key(1)); !errors.Is(err, ErrMiss) {
		t.Errorf("removed, yet: %v", err)
	}
	if _, err := s.Remove("../../etc"); err == nil {
		t.Error("a key that is no digest removed")
	}
	if err := s.ForgetLast(e.Pipeline, e.Node); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Last(e.Pipeline, e.Node); ok {
		t.Error("ForgetLast left the last entry")
	}
	if err := s.ForgetLast(e.Pipeline, e.Node); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
	s.SetLast(e)
	mine := filepath.Join(s.dir, lastDir, "notes.txt")
	os.WriteFile(mine, []byte("mine"), 0o600)
	if err := s.ForgetAll(); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Last(e.Pipeline, e.Node); ok {
		t.Error("ForgetAll left the last entry")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("ForgetAll removed a file not the store's: %v", err)
	}
	if err := Open(filepath.Join(t.TempDir(), "none")).ForgetAll(); err != nil {
		t.Errorf("a store not made yet: %v", err)
	}
}

// TestRemoveWhileReading: runs reading and storing an entry while it is
// removed (pipe cache clear beside a run) get all of it or a miss, never
// half of it nor an error of another kind (run with -race).
func TestRemoveWhileReading(t *testing.T) {
	s := Open(t.TempDir())
	k := key(1)
	big := strings.Repeat("x", 1<<20)
	log := writeLog(t, big)
	if err := s.Put(entry(k), log); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	reads := 0
	for range 2 {
		wg.Go(func() {
			for range 40 {
				_, got, err := s.Get(k)
				switch {
				case errors.Is(err, ErrMiss) && errors.Is(err, os.ErrNotExist):
					// removed: a miss
				case err != nil:
					t.Errorf("a reader saw a broken entry: %v", err)
					return
				case len(got) != len(big):
					t.Errorf("log of %d bytes, want %d", len(got), len(big))
					return
				}
				mu.Lock()
				reads++
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if err := s.Put(entry(k), log); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Go(func() {
		for range 40 {
			if _, err := s.Remove(k); err != nil {
				t.Error(err)
				return
			}
		}
	})
	wg.Wait()
	if reads != 80 {
		t.Errorf("%d reads ended well, want 80", reads)
	}
}
