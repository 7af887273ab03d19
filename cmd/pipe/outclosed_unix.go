//go:build unix

package main

import (
	"syscall"

	"golang.org/x/sys/unix"
)

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

// watchStdoutReader calls closed once when fd, a pipe or a socket, has
// lost its reader: pipe run writes its stdout only at the end (the
// summary), so without a watch `pipe run FILE | head` would run to its
// end after head exits. A pipe's write end raises POLLERR when its read
// end closes (POLLHUP on BSDs), asked for or not; Go's poller cannot wait
// for that alone, so a goroutine waits in poll(2) on fd and on a pipe of
// its own that the returned stop closes. A file or a terminal is not
// watched: it costs one fstat. stop ends the goroutine and waits for it.
func watchStdoutReader(fd int, closed func()) (stop func()) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return func() {}
	}
	if kind := st.Mode & unix.S_IFMT; kind != unix.S_IFIFO && kind != unix.S_IFSOCK {
		return func() {}
	}
	var wake [2]int
	syscall.ForkLock.RLock() // no program started meanwhile inherits it
	err := unix.Pipe(wake[:])
	if err == nil {
		unix.CloseOnExec(wake[0])
		unix.CloseOnExec(wake[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return func() {}
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		defer unix.Close(wake[0])
		for {
			fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(wake[0]), Events: unix.POLLIN}}
			if _, err := unix.Poll(fds, -1); err == unix.EINTR {
				continue
			} else if err != nil || fds[1].Revents != 0 || fds[0].Revents&unix.POLLNVAL != 0 {
				return
			}
			if fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
				closed()
				return
			}
		}
	}()
	return func() {
		unix.Close(wake[1]) // the read end sees POLLHUP
		<-ended
	}
}
