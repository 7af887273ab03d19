package main

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Which signals count as an interrupt of their own: the same one again
// within echoWindow of the one that counted does not; another signal, or
// the same one later, does.
func TestSignalEchoes(t *testing.T) {
	t0 := time.Now()
	type got struct {
		sig   os.Signal
		after time.Duration
		echo  bool
	}
	for _, tc := range []struct {
		name string
		sigs []got
	}{
		{"timeout's two kills", []got{{syscall.SIGTERM, 0, false}, {syscall.SIGTERM, 20 * time.Microsecond, true}}},
		{"a person's second Ctrl-C", []got{{os.Interrupt, 0, false}, {os.Interrupt, 150 * time.Millisecond, false}}},
		{"just past the window", []got{{os.Interrupt, 0, false}, {os.Interrupt, echoWindow, false}}},
		{"another signal at once", []got{{os.Interrupt, 0, false}, {syscall.SIGTERM, time.Millisecond, false}}},
		{"the window runs from the one that counted", []got{
			{os.Interrupt, 0, false}, {os.Interrupt, echoWindow / 2, true},
			{os.Interrupt, echoWindow + time.Millisecond, false}, {os.Interrupt, echoWindow + 2*time.Millisecond, true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e echoes
			for i, s := range tc.sigs {
				if echo := e.echo(s.sig, t0.Add(s.after)); echo != s.echo {
					t.Errorf("signal %d (%v at +%v): echo %v, want %v", i+1, s.sig, s.after, echo, s.echo)
				}
			}
		})
	}
}
