package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// markRetry appends to a node's log file, before attempt of limit
// starts, the line that separates it from the output of the attempt
// that failed with err: `--- attempt 2 of 3 (after: exit status 1) ---`,
// in the words of the "attempt failed, retrying" log line. A node whose
// attempts printed nothing has no file, and gets none. Only the error's
// first line is said (the stderr it ends with is in the file above), its
// secrets masked.
func (r *run) markRetry(logFile string, attempt, limit int, err error) {
	if werr := MarkRetry(logFile, attempt, limit, r.redact.String(err.Error())); werr != nil {
		r.log.Warn("cannot mark the retry in the node's log file", "file", logFile, "err", werr)
	}
}

// MarkRetry appends to the node log file at logFile the line that starts
// attempt of limit, after the attempt before failed with the error whose
// text, masked, is after (see markRetry): a worker of a run on Temporal
// parts its log files as a local run does. A file that does not exist
// (nothing printed yet) gets none, and is no error.
func MarkRetry(logFile string, attempt, limit int, after string) error {
	if logFile == "" {
		return nil
	}
	f, err := os.OpenFile(logFile, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	// The attempt's writer ended its last line as it closed the file.
	_, err = f.WriteString(retryLine(attempt, limit, after))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// retryLine is the separator markRetry writes, after: the failed
// attempt's error, masked.
func retryLine(attempt, limit int, after string) string {
	after, _, _ = strings.Cut(after, "\n")
	after = schema.Clip(strings.TrimSuffix(after, "; stderr ends:"))
	return fmt.Sprintf("--- attempt %d of %d (after: %s) ---\n", attempt, limit, after)
}
