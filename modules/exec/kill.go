package exec

import "github.com/pipe-run/pipe/modules/internal/proc"

// KillAll kills (SIGKILL, to the whole process group) every program a
// module started that still runs, exec's and python's alike (they share
// one runner), and every program started after the call. pipe calls it on
// a second Ctrl-C: the modules' Run then return as their programs die.
func KillAll() { proc.KillAll() }

// StartWatchdog starts, in the background, the process that kills the
// programs modules started if pipe dies (see package watchdog), so that
// the first program need not wait for it: pipe calls it as a local run
// begins. Without the call, the first program starts it.
func StartWatchdog() { proc.StartWatchdog() }
