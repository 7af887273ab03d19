package engine

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// RecoverRuns looks at journals only, in order, and finds nothing to do
// in a runs directory that is missing or is a file.
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
