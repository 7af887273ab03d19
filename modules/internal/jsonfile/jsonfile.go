// Package jsonfile writes the files modules leave for people and for later
// runs (a fitted model, a betting rule, a stake plan): indented JSON,
// replacing the old file atomically, so that a reader never sees half of
// one.
package jsonfile

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/google/renameio/v2/maybe"
)

// Write writes v to path as indented JSON, making the directory it is in.
func Write(path string, v any, perm os.FileMode) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return maybe.WriteFile(path, append(data, '\n'), perm)
}
