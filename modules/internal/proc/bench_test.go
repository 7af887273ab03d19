package proc

import (
	"context"
	"testing"
)

// BenchmarkRunTrue is proc's cost per program: start `true` through the
// gate, wait for it, read its (empty) output.
func BenchmarkRunTrue(b *testing.B) {
	for b.Loop() {
		if _, err := Run(context.Background(), Command("true"), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
