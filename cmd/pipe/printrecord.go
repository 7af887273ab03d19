package main

import (
	"encoding/json"
	"io"

	"github.com/pipe-run/pipe/engine"
)

// printRecord prints a run's record for --json: data, the bytes its record
// file got (engine.WriteRecordData), when there are some; encoding a
// 100,000-node record again, indented, cost more than writing it. Without
// data (the record did not encode), it encodes rec itself.
func printRecord(w io.Writer, rec *engine.Record, data []byte) error {
	if data != nil {
		_, err := w.Write(data)
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rec)
}
