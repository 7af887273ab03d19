package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// pipe run --json prints the bytes its record file got, not a second
// encoding of the record.
func TestRunJSONIsTheRecordFile(t *testing.T) {
	runs := t.TempDir()
	r := pipe(t, "run", "pipelines/example.yaml", "--runs-dir", runs, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var rec struct{ ID string }
	if err := json.Unmarshal([]byte(r.stdout), &rec); err != nil || rec.ID == "" {
		t.Fatalf("--json output: %v\n%s", err, r.stdout)
	}
	file, err := os.ReadFile(filepath.Join(runs, rec.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(file) {
		t.Errorf("--json printed\n%s\nthe record file holds\n%s", r.stdout, file)
	}
}
