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

// .live is as open as its runs directory, whatever the umask: a runs
// directory a group shares stays usable by all of the group.
func TestLiveDirTakesTheRunsDirMode(t *testing.T) {
	if !haveLocks {
		t.Skip("journals are not marked where they cannot be locked")
	}
	for _, mode := range []os.FileMode{0o755, 0o775 | os.ModeSetgid} {
		t.Run(mode.String(), func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Chmod(dir, mode); err != nil {
				t.Fatal(err)
			}
			f, err := CreateJournal(filepath.Join(dir, "r"+JournalSuffix))
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			fi, err := os.Stat(filepath.Join(dir, liveDir))
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode() & (os.ModePerm | os.ModeSetgid); got != mode {
				t.Errorf(".live is %v, want %v (its runs directory's)", got, mode)
			}
		})
	}
}

// A dangling link where .live should be is named in the error too.
func TestCreateJournalLiveIsADanglingLink(t *testing.T) {
	if !haveLocks {
		t.Skip("journals are not marked where they cannot be locked")
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, liveDir)); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	f, err := CreateJournal(filepath.Join(dir, "r"+JournalSuffix))
	if err == nil {
		f.Close()
		t.Fatal("CreateJournal made a journal it cannot mark")
	}
	if want := filepath.Join(dir, liveDir) + " is not a directory"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
}

// A journal without a marker in a directory that has markers (an older
// pipe's, killed) is left by RecoverRuns, which reads the markers only,
// and recovered by RecoverAllRuns, which reads the whole directory.
func TestRecoverAllRunsFindsUnmarkedJournals(t *testing.T) {
	if !haveLocks {
		t.Skip("journals are recovered only where they can be locked")
	}
	dir := t.TempDir()
	live, err := CreateJournal(filepath.Join(dir, "live"+JournalSuffix))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	head := `{"journal":1,"run":"old","pipeline":"p","nodes":[{"id":"a","module":"echo"}]}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "old"+JournalSuffix), []byte(head), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := RecoverRuns(dir); err != nil || len(got) != 0 {
		t.Fatalf("RecoverRuns: %+v, %v; want nothing (the only marked run is live)", got, err)
	}
	got, err := RecoverAllRuns(dir)
	if err != nil || len(got) != 1 || got[0].Record.ID != "old" {
		t.Fatalf("RecoverAllRuns: %+v, %v; want the run old", got, err)
	}
}
