package engine

import "testing"

// FailRecordWrites makes the records RecoverJournal writes fail with err
// (a read-only or full runs directory) until the test ends.
func FailRecordWrites(t *testing.T, err error) {
	t.Cleanup(func() { writeRecord = WriteRecord })
	writeRecord = func(string, *Record) (string, error) { return "", err }
}

// WithValueLimit returns opts with the run's limit for values set to n in
// place of MaxRunValueBytes, so that tests of it allocate kilobytes.
func WithValueLimit(opts Options, n int64) Options {
	opts.valueLimit = n
	return opts
}
