package jsonfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "f.json")
	for _, v := range []map[string]int{{"a": 1}, {"b": 2}} { // the second replaces the first
		if err := Write(path, v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]int
	if err := json.Unmarshal(data, &got); err != nil || len(got) != 1 || got["b"] != 2 {
		t.Fatalf("file holds %s (%v)", data, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files left beside it, want none", len(entries)-1)
	}
	if err := Write(path, func() {}, 0o644); err == nil {
		t.Error("a value JSON cannot hold was written")
	}
}
