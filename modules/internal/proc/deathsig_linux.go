package proc

import "syscall"

// setDeathSignal has the kernel kill the program if the thread that
// started it ends: it covers the moment between the start and the
// watchdog hearing of the program. It reaches the program alone, and is
// tied to the forking thread, not the process: Go ends a thread only when
// a goroutine locked to it exits, which neither pipe nor its dependencies
// do (no LockOSThread outside tests); once listed, the watchdog covers the
// whole group.
func setDeathSignal(attr *syscall.SysProcAttr) { attr.Pdeathsig = syscall.SIGKILL }
