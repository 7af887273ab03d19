//go:build unix

package watchdog

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// envVar, set to "1", makes a process a watchdog; fd 3 is its pipe.
const envVar = "PIPE_INTERNAL_WATCHDOG"

func init() {
	if os.Getenv(envVar) != "1" {
		return
	}
	// Ctrl-C or a hang-up meant for pipe is not for the watchdog: it ends
	// when pipe has.
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
	serve(os.NewFile(3, "watchdog"), kill)
	os.Exit(0)
}

// A message is a line, "+ PGID e" to list a process group and "- PGID e"
// to take it off: one write, shorter than PIPE_BUF, so it reaches the pipe
// whole or not at all; the e marks a message that did. The same lines are
// read by serve and by awkProgram.
const (
	opAdd    = '+'
	opRemove = '-'
)

// serve reads messages until end of file, then calls kill for every group
// still listed.
func serve(r io.Reader, kill func(pgid int)) {
	groups := map[int]int{} // pgid -> how many times listed
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		op, pgid, ok := parse(sc.Text())
		if !ok {
			continue
		}
		switch op {
		case opAdd:
			groups[pgid]++
		case opRemove:
			if groups[pgid]--; groups[pgid] <= 0 {
				delete(groups, pgid)
			}
		}
	}
	for pgid := range groups {
		kill(pgid)
	}
}

// parse reads one message. A group id of 1 or less is never a program's
// (kill(-1) would reach every process): such a message is dropped.
func parse(line string) (op byte, pgid int, ok bool) {
	f := strings.Fields(line)
	if len(f) != 3 || len(f[0]) != 1 || f[2] != "e" {
		return 0, 0, false
	}
	pgid, err := strconv.Atoi(f[1])
	if err != nil || pgid <= 1 || (f[0][0] != opAdd && f[0][0] != opRemove) {
		return 0, 0, false
	}
	return f[0][0], pgid, true
}

func kill(pgid int) {
	if pgid > 1 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
}

// awkProgram is serve in awk, for the watchdog that runs under sh: it
// prints a kill command for each group still listed to sink, a shell.
// Group ids of 1 or less are refused, as parse does.
func awkProgram(sink string) string {
	return `$1 == "+" && $2 ~ /^[0-9]+$/ && $2 > 1 && $3 == "e" && NF == 3 { n[$2]++; next }
$1 == "-" && ($2 in n) && $3 == "e" && NF == 3 { if (--n[$2] <= 0) delete n[$2]; next }
END { for (g in n) print "kill -s KILL -- -" g " 2>/dev/null" | "` + sink + `"; close("` + sink + `") }`
}

// shellWatchdog is the command line of the watchdog run by the system's
// sh and awk, with signals ignored as init does for the Go one (ignored
// signals stay ignored across exec). Starting pipe's executable again
// costs a Go runtime's start-up and the page faults of a large binary,
// 2-3 ms of CPU, on the cores the first programs need; sh and awk, about
// 0.3 ms. Nil when either is missing: the Go watchdog stands in.
var shellWatchdog = sync.OnceValue(func() []string {
	const sh = "/bin/sh"
	if _, err := os.Stat(sh); err != nil {
		return nil
	}
	awk, err := exec.LookPath("awk")
	if err != nil {
		return nil
	}
	return []string{sh, "-c", `trap '' INT HUP; exec "$0" "$1" <&3 3<&-`, awk, awkProgram(sh)}
})

// useSelf makes Start run pipe's executable again even where sh and awk
// are found (tests of both kinds).
var useSelf = false

// Conn is pipe's end of the pipe to its watchdog. It is not safe for
// concurrent use: the caller serializes Add and Remove.
type Conn struct {
	w   *os.File
	pid int
}

// Start starts a watchdog, in a process group of its own, reading the
// other end of a pipe: awk under sh (shellWatchdog), else this executable
// again. onExit, when not nil, is called (from a goroutine of the Conn's)
// once the watchdog process has ended, for whatever reason: pipe closed
// it, or it was killed. groups are listed before the watchdog starts (as
// many as the pipe holds; Add lists the rest), so that no moment exists
// in which it runs without knowing them: pipe killed right after Start
// still takes them along.
func Start(onExit func(*Conn), groups ...int) (*Conn, error) {
	argv, env := shellWatchdog(), os.Environ()
	path := ""
	if argv == nil || useSelf {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("starting the watchdog: %w", err)
		}
		path, argv, env = exe, []string{"pipe-watchdog"}, append(env, envVar+"=1")
	} else {
		path = argv[0]
	}
	r, w, err := os.Pipe() // close-on-exec: programs do not inherit pipe's end
	if err != nil {
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	defer r.Close()
	c := &Conn{w: w}
	early := groups[:min(len(groups), preListed)]
	for _, g := range early {
		if err := c.Add(g); err != nil {
			w.Close()
			return nil, err
		}
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	defer null.Close()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{null, null, null, r},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the watchdog %s: %w", path, err)
	}
	c.pid = p.Pid
	go c.watch(p, onExit)
	for _, g := range groups[len(early):] {
		if err := c.Add(g); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// preListed is how many groups Start writes to the pipe before the
// watchdog reads it: lines of at most 15 bytes within one page, the least
// a pipe holds (Linux shrinks a pipe to a page for a user past
// pipe-user-pages-soft), so that the writes never wait for a reader that
// does not exist yet.
const preListed = 256

// watch waits for the watchdog process to end, reaps it, and tells onExit:
// a watchdog killed on its own must not leave pipe unguarded until its
// next program. The goroutine ends with the watchdog, which ends when pipe
// closes the Conn or dies.
func (c *Conn) watch(p *os.Process, onExit func(*Conn)) {
	_, _ = p.Wait()
	if onExit != nil {
		onExit(c)
	}
}

// Add lists a process group, to be killed if pipe dies.
func (c *Conn) Add(pgid int) error { return c.send(opAdd, pgid) }

// Remove takes a process group off the list: it has been killed, and its
// id may be given to another group.
func (c *Conn) Remove(pgid int) error { return c.send(opRemove, pgid) }

func (c *Conn) send(op byte, pgid int) error {
	if pgid <= 1 || pgid > 1<<31-1 {
		return fmt.Errorf("watchdog: process group %d out of range", pgid)
	}
	var buf [16]byte
	msg := append(buf[:0], op, ' ')
	msg = strconv.AppendInt(msg, int64(pgid), 10)
	msg = append(msg, " e\n"...)
	if _, err := c.w.Write(msg); err != nil {
		return fmt.Errorf("telling the watchdog (pid %d): %w", c.pid, err)
	}
	return nil
}

// Close ends the watchdog as pipe's death would: it kills the groups still
// listed, and exits.
func (c *Conn) Close() error { return c.w.Close() }

// Pid is the watchdog's process id.
func (c *Conn) Pid() int { return c.pid }
