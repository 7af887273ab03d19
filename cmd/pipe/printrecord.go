package main

import (
	"io"
	"os"

	"github.com/pipe-run/pipe/engine"
)

// printRecord prints a run's record for --json: the file at path, which
// holds it as engine.WriteRecord wrote it, when there is one; encoding a
// 100,000-node record again cost more than writing it, and holding its
// bytes to print them would hold a record of hundreds of megabytes whole.
// Without a file (it could not be written), it encodes rec to w.
func printRecord(w io.Writer, rec *engine.Record, path string) error {
	if path != "" {
		if f, err := os.Open(path); err == nil {
			defer f.Close()
			_, err := io.Copy(w, f)
			return err
		}
	}
	return engine.EncodeRecordTo(w, rec)
}
