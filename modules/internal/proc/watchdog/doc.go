// Package watchdog kills pipe's programs when pipe dies, whatever kills it.
//
// Each program runs in a process group of its own, so that pipe can stop
// it with everything it started. If pipe is killed outright (SIGKILL, the
// OOM killer, a crash), nobody is left to stop those groups: they keep
// running under init. Pdeathsig on the program reaches the program alone,
// not what it started, and is tied to the thread that forked it.
//
// So the first program pipe starts also starts a watchdog: a small awk
// program under the system's sh, or where either is missing, the same
// executable run again with an environment variable that this package's
// init checks, so that pipe and every test binary that starts programs
// carry it. The watchdog reads, from a pipe whose only writer is pipe,
// each process group as it starts and as it ends. When the pipe reaches
// end of file, pipe is gone: the watchdog kills the groups still listed
// and exits. It has a process group of its own, so a signal to pipe's
// group (Ctrl-C in a terminal, a CI runner stopping a job) does not reach
// it before it has done its work.
//
// A subreaper (PR_SET_CHILD_SUBREAPER) would not do: it adopts orphans
// while pipe lives, but when pipe dies, its orphans go to init just the
// same. Cgroups and PID namespaces would, but need privileges or a
// delegated cgroup that pipe cannot count on.
package watchdog
