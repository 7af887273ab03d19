package exec

import "github.com/pipe-run/pipe/modules/internal/proc"

// KillAll kills (SIGKILL, to the whole process group) every program a
// module started that still runs, exec's and python's alike (they share
// one runner), and every program started after the call. pipe calls it on
// a second Ctrl-C: the modules' Run then return as their programs die.
func KillAll() { proc.KillAll() }
