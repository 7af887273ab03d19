package engine

import (
	"strings"
	"testing"
)

// A run on Temporal records no base directory: resuming it here says so,
// not that the base directory changed from nothing.
func TestRunChangesOfABaseDirectoryNotRecorded(t *testing.T) {
	for _, tt := range []struct {
		was, now, want string
	}{
		{"/p", "/p", ""},
		{"/x", "/y", "the base directory changed (/y, was /x)"},
		{"", "/p", "the run it resumes records no base directory (it ran on Temporal workers); this one runs in /p"},
	} {
		got, _ := runChanges(&RunResume{BaseDir: tt.was}, &RunResume{BaseDir: tt.now})
		if got != tt.want || strings.Contains(got, "was )") {
			t.Errorf("base %q then %q: %q, want %q", tt.was, tt.now, got, tt.want)
		}
	}
}
