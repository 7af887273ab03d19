package engine

import (
	"os"

	"github.com/google/renameio/v2/maybe"
)

// writeFileAtomic writes data to path; Windows has no atomic rename over
// an existing file, so it is a plain write there (as renameio's maybe).
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return maybe.WriteFile(path, data, perm)
}
