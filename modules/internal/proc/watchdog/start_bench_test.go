//go:build unix

package watchdog

import "testing"

// BenchmarkStart is the watchdog's cost to pipe, paid once per process, at
// the first program: starting the executable again (not waiting for it).
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		c, err := Start(nil)
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
