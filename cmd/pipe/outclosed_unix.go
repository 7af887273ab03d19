//go:build unix

package main

import "golang.org/x/sys/unix"

// outputClosed reports whether pipe's stdout or stderr is a pipe or a
// socket that nobody reads any more. Every SIGPIPE reaches the handler
// (see onSignals), also those of writes to a program's stdin that the
// program did not read (exec's stdin:): only a closed output of pipe's
// own stops the run.
func outputClosed() bool {
	fds := []unix.PollFd{{Fd: 1, Events: unix.POLLOUT}, {Fd: 2, Events: unix.POLLOUT}}
	if _, err := unix.Poll(fds, 0); err != nil {
		return false
	}
	for _, f := range fds {
		if f.Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
			return true
		}
	}
	return false
}
