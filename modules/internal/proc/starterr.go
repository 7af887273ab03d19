package proc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// startError words why cmd could not start, for a user who wrote its
// command line: what to check, not os/exec's "fork/exec X: errno".
func startError(cmd *exec.Cmd, err error) error {
	name := cmd.Path
	if len(cmd.Args) > 0 {
		name = cmd.Args[0]
	}
	where := ""
	if !filepath.IsAbs(cmd.Path) && cmd.Dir != "" {
		where = " (relative to " + cmd.Dir + ", where the node runs)"
	}
	switch {
	case errors.Is(err, exec.ErrNotFound):
		return startErr(err, "cannot run %s: no program of that name on PATH: install it, or give its path", name)
	case errors.Is(err, syscall.E2BIG):
		size := len(cmd.Path)
		for _, a := range cmd.Args {
			size += len(a) + 1
		}
		for _, e := range cmd.Env {
			size += len(e) + 1
		}
		return startErr(err, "cannot run %s: its command line and environment (%d bytes) are more than the system takes: hand large values on stdin (exec's stdin: or json_stdin: true) or in a file", name, size)
	case errors.Is(err, syscall.ENOEXEC):
		return startErr(err, "cannot run %s: not a program this system can run (a script needs a #! line, or run it through its interpreter: [sh, %s])", name, name)
	case errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EISDIR):
		if fi, serr := os.Stat(dirJoin(cmd.Dir, cmd.Path)); serr == nil && fi.IsDir() {
			return startErr(err, "cannot run %s%s: it is a directory", name, where)
		}
		return startErr(err, "cannot run %s%s: not executable (chmod +x it, or run it through its interpreter: [sh, %s])", name, where, name)
	case errors.Is(err, syscall.ENOENT):
		if dir := cmd.Dir; dir != "" {
			if _, serr := os.Stat(dir); serr != nil {
				return startErr(err, "cannot run %s: its directory %s does not exist", name, dir)
			}
		}
		if _, serr := os.Stat(dirJoin(cmd.Dir, cmd.Path)); serr == nil {
			// The file is there: what is missing is its interpreter.
			return startErr(err, "cannot run %s: its #! line names an interpreter that is not installed", name)
		}
		return startErr(err, "cannot run %s%s: no such file", name, where)
	}
	return startErr(err, "cannot run %s: %v", name, err)
}

// startFailure is a program that could not start: the message says what
// to do, and the error os/exec gave stays underneath for errors.Is.
type startFailure struct {
	msg string
	err error
}

func (e *startFailure) Error() string { return e.msg }
func (e *startFailure) Unwrap() error { return e.err }

func startErr(err error, format string, args ...any) error {
	return &startFailure{msg: fmt.Sprintf(format, args...), err: err}
}

func dirJoin(dir, path string) string {
	if dir == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
