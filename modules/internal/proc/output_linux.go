package proc

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// liveAfter is how long a program runs before its output is read as it
// comes. Reading a pipe as it comes costs a goroutine and a wake-up through
// the network poller per stream, which is a tenth of the cost of running
// `true`; most programs in a pipeline are done sooner, and their output is
// read in one go once they exit. A program that fills a pipe's buffer
// (64 KiB on Linux) before then waits at most this long.
const liveAfter = 20 * time.Millisecond

// output carries a program's stdout and stderr to their sinks.
type output struct {
	streams [2]*stream
	timer   *time.Timer
}

func attachOutput(cmd *exec.Cmd, stdout, stderr io.Writer) (*output, error) {
	out, err := newStream(stdout)
	if err != nil {
		return nil, err
	}
	errs, err := newStream(stderr)
	if err != nil {
		out.close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = out.w, errs.w
	return &output{streams: [2]*stream{out, errs}}, nil
}

// started drops the parent's copies of the write ends, so the pipes reach
// end of file when the program and its children are gone.
func (o *output) started() {
	for _, s := range o.streams {
		s.w.Close()
	}
	o.timer = time.AfterFunc(liveAfter, func() {
		for _, s := range o.streams {
			s.goLive()
		}
	})
}

// finish reads what is left once the program has exited. A pipe still held
// open by a process that escaped the group is given StopDelay, like
// exec.Cmd.WaitDelay.
func (o *output) finish() {
	if o.timer != nil {
		o.timer.Stop()
	}
	for _, s := range o.streams {
		s.finish()
	}
}

// abort releases the pipes of a program that did not start.
func (o *output) abort() {
	for _, s := range o.streams {
		s.close()
	}
}

type streamState int

const (
	idle     streamState = iota // nobody reads; the raw descriptor is ours
	live                        // a goroutine copies from r to sink
	finished                    // finish has run
)

// stream is one pipe from the program. Its read end is a raw non-blocking
// descriptor until the stream goes live, so a short-lived program costs no
// goroutine and no poller registration.
type stream struct {
	sink io.Writer
	w    *os.File // the program's end
	raw  int      // the read end

	mu    sync.Mutex // guards state and r
	state streamState
	r     *os.File      // the read end once live
	done  chan struct{} // closed when the live copy ends
}

func newStream(sink io.Writer) (*stream, error) {
	var p [2]int
	// The read end is non-blocking so that it can be drained without
	// waiting and handed to the poller; the program's end stays blocking.
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, os.NewSyscallError("pipe2", err)
	}
	if err := syscall.SetNonblock(p[0], true); err != nil {
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, os.NewSyscallError("setnonblock", err)
	}
	return &stream{sink: sink, w: os.NewFile(uintptr(p[1]), "|1"), raw: p[0]}, nil
}

func (s *stream) goLive() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != idle {
		return
	}
	s.state = live
	// A non-blocking descriptor is registered with the poller, so reads
	// park the goroutine instead of a thread, and deadlines work.
	s.r = os.NewFile(uintptr(s.raw), "|0")
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		copyLive(s.sink, s.r)
	}()
}

// copyLive copies r to sink until r ends. It calls sink's Write, never a
// ReadFrom (io.Copy would prefer it, and skip a sink's bounds), and tells
// a sink that keeps a buffer when the program has nothing more for now.
func copyLive(sink io.Writer, r io.Reader) {
	bp := drainBufs.Get().(*[32 << 10]byte)
	defer drainBufs.Put(bp)
	buf := bp[:]
	idle, _ := sink.(interface{ idle() })
	for {
		n, err := r.Read(buf)
		if n > 0 {
			_, _ = sink.Write(buf[:n])
			if idle != nil && n < len(buf) {
				idle.idle()
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *stream) finish() {
	s.mu.Lock()
	was := s.state
	s.state = finished
	s.mu.Unlock()
	switch was {
	case idle:
		s.drain()
		syscall.Close(s.raw)
	case live:
		_ = s.r.SetReadDeadline(time.Now().Add(StopDelay))
		<-s.done
		s.r.Close()
	}
}

// drain copies what the pipe holds without waiting for end of file: a
// process that escaped the group may keep the pipe open for ever.
func (s *stream) drain() {
	bp := drainBufs.Get().(*[32 << 10]byte)
	defer drainBufs.Put(bp)
	buf := bp[:]
	for {
		n, err := syscall.Read(s.raw, buf)
		if n > 0 {
			_, _ = s.sink.Write(buf[:n])
		}
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if n <= 0 || err != nil {
			return
		}
	}
}

// drainBufs holds drain's buffers: one that escapes to the heap for each of
// a node's two streams was most of the exec module's garbage.
var drainBufs = sync.Pool{New: func() any { return new([32 << 10]byte) }}

func (s *stream) close() {
	s.w.Close()
	syscall.Close(s.raw)
}
