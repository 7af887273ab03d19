//go:build unix

package watchdog

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/signal"
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

// A message is an op and a process group id, 5 bytes: one write, shorter
// than PIPE_BUF, so it reaches the pipe whole or not at all.
const (
	opAdd    = '+'
	opRemove = '-'
	msgLen   = 5
)

// serve reads messages until end of file, then calls kill for every group
// still listed.
func serve(r io.Reader, kill func(pgid int)) {
	groups := map[int]int{} // pgid -> how many times listed
	br := bufio.NewReader(r)
	var msg [msgLen]byte
	for {
		if _, err := io.ReadFull(br, msg[:]); err != nil {
			break // end of file: pipe is gone
		}
		pgid := int(binary.LittleEndian.Uint32(msg[1:]))
		switch msg[0] {
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

func kill(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }

// Conn is pipe's end of the pipe to its watchdog. It is not safe for
// concurrent use: the caller serializes Add and Remove.
type Conn struct {
	w   *os.File
	pid int
}

// Start starts a watchdog: this executable again, in a process group of
// its own, reading the other end of a pipe. onExit, when not nil, is
// called (from a goroutine of the Conn's) once the watchdog process has
// ended, for whatever reason: pipe closed it, or it was killed.
func Start(onExit func(*Conn)) (*Conn, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	r, w, err := os.Pipe() // close-on-exec: programs do not inherit pipe's end
	if err != nil {
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	defer r.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the watchdog: %w", err)
	}
	defer null.Close()
	p, err := os.StartProcess(exe, []string{"pipe-watchdog"}, &os.ProcAttr{
		Env:   append(os.Environ(), envVar+"=1"),
		Files: []*os.File{null, null, null, r},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the watchdog %s: %w", exe, err)
	}
	c := &Conn{w: w, pid: p.Pid}
	go c.watch(p, onExit)
	return c, nil
}

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
	if pgid <= 0 || pgid > 1<<31-1 {
		return fmt.Errorf("watchdog: process group %d out of range", pgid)
	}
	var msg [msgLen]byte
	msg[0] = op
	binary.LittleEndian.PutUint32(msg[1:], uint32(pgid))
	if _, err := c.w.Write(msg[:]); err != nil {
		return fmt.Errorf("telling the watchdog (pid %d): %w", c.pid, err)
	}
	return nil
}

// Close ends the watchdog as pipe's death would: it kills the groups still
// listed, and exits.
func (c *Conn) Close() error { return c.w.Close() }

// Pid is the watchdog's process id.
func (c *Conn) Pid() int { return c.pid }
