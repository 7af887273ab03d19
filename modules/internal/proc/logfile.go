package proc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// MaxLog bounds a node's log file: past it, a marker line says so and the
// rest of the output is dropped, so an endless writer cannot fill the disk.
// The program itself runs on until it ends or times out.
const MaxLog = 256 << 20

// maxLog is MaxLog, lowered by tests.
var maxLog int64 = MaxLog

// cutMarker ends a log file that reached maxLog.
func cutMarker() string {
	if maxLog%(1<<20) == 0 {
		return fmt.Sprintf("[pipe: output cut at %d MiB]\n", maxLog>>20)
	}
	return fmt.Sprintf("[pipe: output cut at %d bytes]\n", maxLog)
}

// stampLayout starts each line of a log file: the time it was read, in
// UTC with milliseconds, then the stream.
const stampLayout = "2006-01-02T15:04:05.000Z"

// markerRoom is kept free at the end of a log file for the marker line and
// the newline that may have to come before it.
const markerRoom = 64

const (
	stdoutStream = iota
	stderrStream
)

var streamNames = [2]string{" stdout ", " stderr "}

// logFile appends a program's stdout and stderr to a file, a line at a
// time, each line prefixed with the time and the stream. The file is opened
// on the first write (a program that prints nothing makes no file), with
// its directory.
type logFile struct {
	path string
	log  *slog.Logger // hears once that the file cannot be written
	// mask, when set, masks secrets: the file then gets whole lines only
	// (held in pending until their newline, or maxPending), so that a
	// secret split between two reads is masked too.
	mask    *masker
	pending [2][]byte

	mu     sync.Mutex // guards the fields below: both streams write
	f      *os.File
	w      *bufio.Writer
	size   int64   // bytes in the file, with what w holds
	mid    [2]bool // the stream's last line has no newline yet
	cut    bool    // MaxLog was reached
	broken bool    // opening or writing failed: the rest is dropped
	stamp  []byte
}

// maxPending is the longest partial line held back for masking.
const maxPending = 64 << 10

func (l *logFile) write(stream int, p []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mask == nil {
		l.writeLocked(stream, p)
		return
	}
	buf := append(l.pending[stream], p...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		l.writeLocked(stream, []byte(l.mask.apply(string(buf[:i+1]))))
		buf = buf[i+1:]
	}
	if len(buf) > maxPending {
		now, wait := l.mask.split(buf)
		l.writeLocked(stream, now)
		buf = wait
	}
	l.pending[stream] = append(l.pending[stream][:0], buf...)
}

// flushPending writes the partial lines held back for masking.
func (l *logFile) flushPending() {
	for stream, buf := range l.pending {
		if len(buf) > 0 {
			l.writeLocked(stream, []byte(l.mask.apply(string(buf))))
			l.pending[stream] = nil
		}
	}
}

func (l *logFile) writeLocked(stream int, p []byte) {
	if l.cut || l.broken || len(p) == 0 {
		return
	}
	if l.f == nil && !l.open() {
		return
	}
	if other := 1 - stream; l.mid[other] {
		// The other stream is in the middle of a line: end it here, so
		// every line of the file starts with its time and stream.
		l.emit([]byte{'\n'})
		l.mid[other] = false
	}
	l.stamp = append(time.Now().UTC().AppendFormat(l.stamp[:0], stampLayout), streamNames[stream]...)
	for len(p) > 0 && !l.cut {
		line := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			line = p[:i+1]
		}
		need := int64(len(line))
		if !l.mid[stream] {
			need += int64(len(l.stamp))
		}
		if l.size+need > maxLog-markerRoom {
			l.cutHere(stream)
			return
		}
		if !l.mid[stream] {
			l.emit(l.stamp)
		}
		l.emit(line)
		l.mid[stream] = line[len(line)-1] != '\n'
		p = p[len(line):]
	}
}

// cutHere ends the file with the marker line.
func (l *logFile) cutHere(stream int) {
	if l.mid[stream] {
		l.emit([]byte{'\n'})
	}
	l.emit([]byte(cutMarker()))
	l.cut = true
	// The marker ends the file: the other stream's unfinished line is
	// not ended after it (a retry must find the marker last).
	l.mid = [2]bool{}
}

func (l *logFile) emit(b []byte) {
	if l.broken {
		return
	}
	if _, err := l.w.Write(b); err != nil {
		l.fail(err)
		return
	}
	l.size += int64(len(b))
}

func (l *logFile) open() bool {
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		// The run's log directory is made when its first line comes.
		if err = os.MkdirAll(filepath.Dir(l.path), 0o700); err == nil {
			f, err = os.OpenFile(l.path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
		}
	}
	if err != nil {
		l.fail(err)
		return false
	}
	l.f = f
	l.w = logBufs.Get().(*bufio.Writer)
	l.w.Reset(f)
	// A retry appends to the same file: the bound is the file's, and a
	// file already cut stays as it is.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		l.size = st.Size()
		marker := cutMarker()
		end := make([]byte, len(marker))
		if _, err := f.ReadAt(end, l.size-int64(len(end))); err == nil && string(end) == marker {
			l.cut = true
		}
	}
	return true
}

// fail drops the rest of the output and says so once.
func (l *logFile) fail(err error) {
	l.broken = true
	if l.log != nil {
		l.log.Log(context.Background(), slog.LevelWarn, "the node's log file cannot be written: the rest of its output is not kept", "file", l.path, "err", err)
	}
}

// flush writes out what is buffered, so that a reader of the file sees the
// output of a program that writes now and then.
func (l *logFile) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil && !l.broken && l.w.Buffered() > 0 {
		if err := l.w.Flush(); err != nil {
			l.fail(err)
		}
	}
}

// close ends a last line without newline, flushes and closes the file.
// It reports whether the file was cut at MaxLog.
func (l *logFile) close() (cut bool) {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mask != nil {
		l.flushPending()
	}
	if l.f == nil {
		return false
	}
	if !l.cut && (l.mid[stdoutStream] || l.mid[stderrStream]) {
		l.emit([]byte{'\n'})
	}
	if !l.broken {
		if err := l.w.Flush(); err != nil {
			l.fail(err)
		}
	}
	if err := l.f.Close(); err != nil && !l.broken {
		l.fail(fmt.Errorf("closing: %w", err))
	}
	l.w.Reset(nil)
	logBufs.Put(l.w)
	l.f, l.w = nil, nil
	return l.cut
}

// logBufs holds the log files' write buffers: a node that prints a line
// should not cost a 32 KiB allocation.
var logBufs = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// tee sends a stream to what Run keeps of it and to the log file.
type tee struct {
	keep   io.Writer
	log    *logFile
	stream int
}

func (t *tee) Write(p []byte) (int, error) {
	_, _ = t.keep.Write(p)
	t.log.write(t.stream, p)
	return len(p), nil
}

// idle is called when the program has nothing more to read for now.
func (t *tee) idle() { t.log.flush() }
