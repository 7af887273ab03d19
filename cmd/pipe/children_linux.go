package main

import "syscall"

// setDeathSignal has the kernel kill the child when the thread that
// started it ends, which, Go ending no thread pipe did not lock (it locks
// none), is when pipe dies: SIGKILL included, which pipe cannot catch.
func setDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
