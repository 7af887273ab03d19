package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// With a machine log format, a pipeline's problems are log records too,
// one each with its place and hint, and nothing else is on stderr.
func TestDiagnosticsAsLogRecords(t *testing.T) {
	for _, cmd := range []string{"run", "explain"} {
		t.Run(cmd, func(t *testing.T) {
			r := pipe(t, cmd, "--log-format", "json", "testdata/bad/empty_when.yaml")
			if r.code != exitFailed {
				t.Fatalf("exit %d, want %d\n%s", r.code, exitFailed, r.stderr)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 5 {
				t.Fatalf("%d lines, want a record for each of the 5 problems (4 warnings):\n%s", len(lines), r.stderr)
			}
			var rec struct {
				Level, Msg, File, Hint string
				Line, Col              int
			}
			if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
				t.Fatalf("not a JSON record: %v\n%s", err, lines[0])
			}
			want := "warn when is empty: node null_when runs as if it had none testdata/bad/empty_when.yaml 7:11"
			if got := strings.Join([]string{rec.Level, rec.Msg, rec.File}, " ") + " " + strconv.Itoa(rec.Line) + ":" + strconv.Itoa(rec.Col); got != want || rec.Hint == "" {
				t.Errorf("record %s\nwant %s with a hint", lines[0], want)
			}
		})
	}
}
