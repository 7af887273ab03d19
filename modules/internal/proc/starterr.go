package proc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	case name == "":
		return startErr(err, "the command's first word, the program to run, is empty")
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
		too := fmt.Sprintf("its command line and environment (%d bytes) are more than the system takes", size)
		for i, a := range cmd.Args {
			if len(a) >= maxArgLen {
				too = fmt.Sprintf("its argument %d is %d bytes, more than the system takes in one (128 KiB)", i, len(a))
				break
			}
		}
		return startErr(err, "cannot run %s: %s: hand large values on stdin (exec's stdin: or json_stdin: true) or in a file", name, too)
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
			return startErr(err, "cannot run %s: %s", name, shebangProblem(dirJoin(cmd.Dir, cmd.Path)))
		}
		return startErr(err, "cannot run %s%s: no such file", name, where)
	}
	return startErr(err, "cannot run %s: %v", name, err)
}

// maxArgLen is the longest one argument may be on Linux (MAX_ARG_STRLEN,
// 32 pages), whatever the whole command line's limit.
const maxArgLen = 128 << 10

// shebangProblem says what is wrong with the #! line of the script at
// path, which the system could not start for want of its interpreter.
func shebangProblem(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "its #! line names an interpreter that is not installed"
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	if !bytes.HasPrefix(line, []byte("#!")) {
		return "its #! line names an interpreter that is not installed"
	}
	if bytes.HasSuffix(line, []byte("\r")) {
		return "its lines end in \\r\\n (written on Windows), so its #! line names an interpreter with a \\r in its name: convert it (dos2unix, or sed -i 's/\\r$//')"
	}
	interp := strings.Fields(string(line[2:]))
	if len(interp) == 0 {
		return "its #! line names no interpreter"
	}
	return fmt.Sprintf("its #! line names %s, which is not installed", interp[0])
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
