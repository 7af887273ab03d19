package modules

import (
	"errors"
	"fmt"
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
