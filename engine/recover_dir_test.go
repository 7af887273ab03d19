package engine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// RecoverRuns looks at journals only, in order, and finds nothing to do
// in a runs directory that is missing or is a file. Without markers (a
// runs directory of a pipe from before them) it reads the whole directory.
func TestJournalNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b" + JournalSuffix, "a.json", "a" + JournalSuffix, "c" + JournalSuffix + ".new", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "d"+JournalSuffix), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := journalNames(dir)
	if want := []string{"a" + JournalSuffix, "b" + JournalSuffix}; err != nil || !slices.Equal(got, want) {
		t.Errorf("journalNames = %q, %v; want %q", got, err, want)
	}
	for _, missing := range []string{filepath.Join(dir, "none"), filepath.Join(dir, "notes.txt")} {
		if recs, err := RecoverRuns(missing); recs != nil || err != nil {
			t.Errorf("RecoverRuns(%s) = %v, %v; want nothing", missing, recs, err)
		}
	}
}

// With markers, RecoverRuns looks at the journals they name only: not at
// the runs directory's other files, journals without a marker included.
func TestJournalNamesFromMarkers(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b" + JournalSuffix, "a.json", "old" + JournalSuffix} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, liveDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"b", "a", "gone"} {
		if err := mark(filepath.Join(dir, id+JournalSuffix)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := journalNames(dir)
	if want := []string{"a" + JournalSuffix, "b" + JournalSuffix, "gone" + JournalSuffix}; err != nil || !slices.Equal(got, want) {
		t.Errorf("journalNames = %q, %v; want %q", got, err, want)
	}
	// A marker whose journal is gone (its pipe died between removing
	// the two) is removed when RecoverRuns comes to it.
	if _, err := RecoverJournal(filepath.Join(dir, "gone"+JournalSuffix)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(markerOf(filepath.Join(dir, "gone"+JournalSuffix))); !os.IsNotExist(err) {
		t.Errorf("the stale marker is still there: %v", err)
	}
}

// A file where the markers go is named in CreateJournal's error, and no
// journal is left behind.
func TestCreateJournalLiveIsAFile(t *testing.T) {
	if !haveLocks {
		t.Skip("journals are not marked where they cannot be locked")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, liveDir), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "r"+JournalSuffix)
	f, err := CreateJournal(path)
	if err == nil {
		f.Close()
		t.Fatal("CreateJournal made a journal it cannot mark")
	}
	if want := filepath.Join(dir, liveDir) + " is not a directory"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a journal is left: %v", err)
	}
}
