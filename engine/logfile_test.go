package engine

import (
	"path/filepath"
	"testing"
)

// A node's log file is what filepath.Join makes of the run's LogDir and
// the node's file name, whether the id takes the short way (an
// identifier) or not.
func TestLogFileIsJoin(t *testing.T) {
	for _, dir := range []string{"", ".", "/", "runs/r1", "runs/r1/", "./runs//r1", "../runs/r1", "/tmp/a/../runs/r1"} {
		c := &core{opts: Options{LogDir: dir}, logPrefix: logPrefix(dir)}
		for _, id := range []string{"fit", "n0", "a_b", "fit[england]", "..", "a/b", "é"} {
			got := c.logFile(id)
			want := ""
			if dir != "" {
				want = logFile(dir, id)
			}
			if got != want {
				t.Errorf("LogDir %q, node %q: %q, want %q", dir, id, got, want)
			}
			if dir != "" && id == "fit" && got != filepath.Join(dir, "fit.log") {
				t.Errorf("LogDir %q: %q, want %q", dir, got, filepath.Join(dir, "fit.log"))
			}
		}
	}
}
