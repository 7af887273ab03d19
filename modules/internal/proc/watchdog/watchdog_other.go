//go:build !unix

package watchdog

import "errors"

// Conn is pipe's end of the pipe to its watchdog; there is none on this
// system.
type Conn struct{}

// ErrUnsupported is returned where there are no process groups.
var ErrUnsupported = errors.New("watchdog: not supported on this system")

// Start returns ErrUnsupported.
func Start(func(*Conn), ...int) (*Conn, error) { return nil, ErrUnsupported }

// Add does nothing.
func (*Conn) Add(int) error { return ErrUnsupported }

// Remove does nothing.
func (*Conn) Remove(int) error { return ErrUnsupported }

// Close does nothing.
func (*Conn) Close() error { return nil }

// Pid is 0.
func (*Conn) Pid() int { return 0 }
