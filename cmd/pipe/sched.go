package main

import (
	"os"
	"runtime"
)

// moreProcs gives Go's scheduler two Ps (GOMAXPROCS) per core for a run
// that starts programs, unless the environment sets GOMAXPROCS. A start
// holds its P for the whole of the vfork (the runtime forks with a raw
// system call, which no other thread can take the P from), and every
// node waiting for its program holds a thread in waitid; with a P per
// core, the node goroutines that the ends ready wait for one. On two cores,
// 1,000 `true` programs 8 at a time took 1.14-1.20x make's time with one
// P per core and 0.96-1.12x with two (random and wide DAGs, alternating
// runs); a 100,000-node in-process run measured the same either way. It
// returns GOMAXPROCS as it leaves it. Twice the default, not twice the
// current value: Main may run more than once in a process (tests).
func moreProcs() int {
	if os.Getenv("GOMAXPROCS") != "" {
		return runtime.GOMAXPROCS(0)
	}
	runtime.GOMAXPROCS(2 * defaultProcs)
	return 2 * defaultProcs
}

// defaultProcs is the runtime's GOMAXPROCS before moreProcs.
var defaultProcs = runtime.GOMAXPROCS(0)
