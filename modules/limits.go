package modules

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxValueBytes bounds a node's outputs, encoded as JSON. Outputs are
// values: they are kept in memory for the nodes below, written into the run
// record and read back whole. Data larger than this belongs in a file whose
// path is the output.
const MaxValueBytes = 4 << 20

// ErrTooLarge marks outputs over MaxValueBytes.
var ErrTooLarge = errors.New("over the 4 MiB limit for values")

// TooLarge is the error for values of size bytes over MaxValueBytes; what
// names them, with its verb ("outputs are", "the python result is").
func TooLarge(what string, size int64) error {
	return fmt.Errorf("%s %s, %w: write large data to a file and output its path", what, Size(size), ErrTooLarge)
}

// Size writes a byte count for people: "512 B", "3.2 kB", "187.3 MB".
func Size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// MaxMessageBytes bounds a node's message: the record, the journal, the
// summary and a Temporal failure carry it whole, and a program's own
// message (an exception's text, a result's "message") may be megabytes.
// A Temporal worker could not report such a failure at all: the server
// refuses it and the node came back as lost with its worker.
const MaxMessageBytes = 64 << 10

// clipSlack is how far past MaxMessageBytes a message may go uncut.
const clipSlack = 1 << 10

// ClipMessage bounds a message to about MaxMessageBytes: its start and
// its end (where a traceback says what went wrong), and between them how
// much was cut. Shorter messages are returned as they are, and so are
// messages up to clipSlack over: a message cut on a Temporal worker gets
// the worker's name before it, and is not cut again.
func ClipMessage(s string) string {
	if len(s) <= MaxMessageBytes+clipSlack {
		return s
	}
	half := MaxMessageBytes / 2
	head, tail := s[:half], s[len(s)-half:]
	for head != "" && !utf8.RuneStart(s[len(head)]) {
		head = head[:len(head)-1]
	}
	for tail != "" && !utf8.RuneStart(tail[0]) {
		tail = tail[1:]
	}
	cut := int64(len(s) - len(head) - len(tail))
	return head + "\n[... " + Size(cut) + " of the message cut ...]\n" + tail
}
