//go:build unix

package engine

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// haveLocks says whether tryLock works here.
const haveLocks = true

// errNoLocks says this system has no file locks pipe can use.
var errNoLocks = errors.New("file locks are not supported on this system")

// tryLock takes an exclusive flock on f without waiting: false when
// another open file holds it. The lock lasts until f is closed (by pipe,
// or by the kernel when pipe dies); programs do not inherit it, the file
// being close-on-exec.
func tryLock(f *os.File) (bool, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) {
		for {
			lerr = unix.Flock(int(fd), unix.LOCK_EX|unix.LOCK_NB)
			if lerr != unix.EINTR {
				return
			}
		}
	}); err != nil {
		return false, err
	}
	if lerr == unix.EWOULDBLOCK {
		return false, nil
	}
	if lerr != nil {
		return false, &os.PathError{Op: "flock", Path: f.Name(), Err: lerr}
	}
	return true, nil
}
