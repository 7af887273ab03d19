package proc

import (
	"os"

	"golang.org/x/sys/unix"
)

// awaitExit parks the goroutine until the process has exited, through the
// network poller: a pidfd turns readable when its process ends.
// os.Process.Wait alone holds an OS thread in waitid for the program's
// whole life, and a pipeline that starts hundreds of programs at once then
// makes hundreds of threads, on the cores the programs need to start. The
// process is left for Wait to reap. On any error it returns at once, and
// Wait blocks as usual.
func awaitExit(p *os.Process) {
	fd, err := unix.PidfdOpen(p.Pid, unix.O_NONBLOCK) // PIDFD_NONBLOCK is O_NONBLOCK
	if err != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Read(func(fd uintptr) bool {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PIDFD, int(fd), &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			return false
		}
		// Signo is SIGCHLD once the process has exited; 0 while it runs.
		return err != nil || info.Signo != 0
	})
}
