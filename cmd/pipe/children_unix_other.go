//go:build unix && !linux

package main

import "syscall"

// setDeathSignal does nothing: Pdeathsig is Linux's.
func setDeathSignal(*syscall.SysProcAttr) {}
