package proc

// MaxStdout is how much of a program's stdout is kept whole in memory.
// Past it, only the first HeadKeep and the last TailKeep bytes are kept
// (the whole output goes to the node's log file, when there is one).
const MaxStdout = 4 << 20

// HeadKeep and TailKeep are the parts of a cut stdout that are kept.
const (
	HeadKeep = 64 << 10
	TailKeep = 1 << 20
)

// capture keeps a program's stdout, bounded. It has a Write method and no
// ReadFrom on purpose: io.Copy would call ReadFrom and skip the bound (a
// bytes.Buffer embedded here once let a program's output grow without
// limit).
type capture struct {
	head []byte
	size int64
	tail *ring // made when head is full
}

func (c *capture) Write(p []byte) (int, error) {
	n := len(p)
	c.size += int64(n)
	if c.tail == nil {
		if len(c.head)+n <= MaxStdout {
			c.head = append(c.head, p...)
			return n, nil
		}
		// Full: keep the start and the end from now on, and give back the
		// rest of the head's memory.
		if k := HeadKeep - len(c.head); k > 0 {
			c.head, p = append(c.head, p[:k]...), p[k:]
		}
		c.tail = &ring{buf: make([]byte, TailKeep)}
		c.tail.Write(c.head[HeadKeep:])
		c.head = append([]byte(nil), c.head[:HeadKeep]...)
	}
	c.tail.Write(p)
	return n, nil
}

// cut reports whether bytes were dropped.
func (c *capture) cut() bool { return c.tail != nil }

// ring keeps the last len(buf) bytes written to it.
type ring struct {
	buf  []byte
	next int  // where the next byte goes
	full bool // buf has wrapped at least once
}

func (r *ring) Write(p []byte) (int, error) {
	n := len(p)
	if n >= len(r.buf) {
		copy(r.buf, p[n-len(r.buf):])
		r.next, r.full = 0, true
		return n, nil
	}
	k := copy(r.buf[r.next:], p)
	copy(r.buf, p[k:])
	if r.next+n >= len(r.buf) {
		r.full = true
	}
	r.next = (r.next + n) % len(r.buf)
	return n, nil
}

// bytes returns what the ring holds, oldest first.
func (r *ring) bytes() []byte {
	if !r.full {
		return append([]byte(nil), r.buf[:r.next]...)
	}
	return append(append([]byte(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}
