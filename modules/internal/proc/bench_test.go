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

// BenchmarkTrack is what the watchdog adds to each program: listing its
// group as it starts and taking it off as it ends (two 5-byte writes to
// the watchdog's pipe, under a mutex).
func BenchmarkTrack(b *testing.B) {
	cmd := Command("sleep", "60")
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = signalGroup(cmd, sigKill); _ = cmd.Wait() }()
	track(cmd) // starts the watchdog, once
	untrack(cmd)
	for b.Loop() {
		track(cmd)
		untrack(cmd)
	}
}
