//go:build unix && !linux

package proc

import "syscall"

// setDeathSignal does nothing: Pdeathsig is Linux's (and FreeBSD's); the
// watchdog alone stands for the program.
func setDeathSignal(*syscall.SysProcAttr) {}
