package proc

import (
	"os/exec"
	"sync"

	"github.com/pipe-run/pipe/modules/internal/proc/watchdog"
)

// programs are the programs Run has started and not yet stopped, in the
// whole process: what KillAll kills, and what the watchdog kills if pipe
// dies first.
var programs struct {
	mu      sync.Mutex
	running map[*exec.Cmd]struct{} // guarded by mu
	killed  bool                   // KillAll has run; guarded by mu
	dog     *watchdog.Conn         // nil until the first program, or when it failed; guarded by mu
	dogErr  error                  // why there is no watchdog; guarded by mu
}

// track lists a program that has just started, as its process group.
// Until it is listed, only its Pdeathsig (Linux) stands for it.
func track(cmd *exec.Cmd) {
	programs.mu.Lock()
	defer programs.mu.Unlock()
	if programs.running == nil {
		programs.running = map[*exec.Cmd]struct{}{}
	}
	programs.running[cmd] = struct{}{}
	if programs.killed {
		// Started as pipe was being killed: it goes too.
		_ = signalGroup(cmd, sigKill)
	}
	if dog, fresh := watchdogLocked(); dog != nil && !fresh {
		if err := dog.Add(cmd.Process.Pid); err != nil {
			dogFailed(err)
		}
	}
}

// untrack takes a program off the list once its group has been killed.
func untrack(cmd *exec.Cmd) {
	programs.mu.Lock()
	defer programs.mu.Unlock()
	delete(programs.running, cmd)
	if programs.dog != nil {
		if err := programs.dog.Remove(cmd.Process.Pid); err != nil {
			dogFailed(err)
		}
	}
}

// watchdogLocked returns the watchdog, starting it on first use, told of
// every program running (fresh); nil when it could not start.
// programs.mu is held.
func watchdogLocked() (dog *watchdog.Conn, fresh bool) {
	if programs.dog != nil || programs.dogErr != nil {
		return programs.dog, false
	}
	groups := make([]int, 0, len(programs.running))
	for cmd := range programs.running {
		groups = append(groups, cmd.Process.Pid)
	}
	dog, err := watchdog.Start(dogExited, groups...)
	if err != nil {
		programs.dogErr = err
		return nil, false
	}
	programs.dog = dog
	return dog, true
}

// dogFailed drops a watchdog that no longer reads (it was killed): the
// next program starts a new one, told of every program still running.
// programs.mu is held.
func dogFailed(error) {
	programs.dog.Close()
	programs.dog = nil
	watchdogLocked() // told of every program still running before it starts
}

// dogExited hears that a watchdog process has ended. The one in use ends
// only if it was killed: a new one is started at once and told every
// program still running.
func dogExited(c *watchdog.Conn) {
	programs.mu.Lock()
	defer programs.mu.Unlock()
	if programs.dog == c {
		dogFailed(nil)
	}
}

// KillAll kills the process group of every program started through Run
// that is still running, and of every program started after it: pipe
// calls it when the user insists (a second Ctrl-C). Each Run then returns
// as its program dies.
func KillAll() {
	programs.mu.Lock()
	defer programs.mu.Unlock()
	programs.killed = true
	for cmd := range programs.running {
		_ = signalGroup(cmd, sigKill)
	}
}
