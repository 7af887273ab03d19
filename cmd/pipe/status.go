package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/term"
	"github.com/pipe-run/pipe/engine"
)

// statusLine keeps one line at the bottom of a terminal that says how the
// run goes, `12/31 done · 3 running (fit, price, web) · 1 failed · 00:14`,
// redrawn in place. Everything else written to the terminal goes through
// it, so that the line is cleared first and drawn again after.
type statusLine struct {
	mu    sync.Mutex // guards the fields below and writes to w
	w     io.Writer
	text  string
	shown bool
	buf   []byte // what Write writes, reused
	// fresh gives the line's text as the run stands, and stale says a
	// node started or ended since it was set: a node's log line redraws
	// the line as it now stands, not as it stood at the last tick
	// ("2 running" under the lines that said both were done).
	fresh func() string
	stale atomic.Bool
}

// width is the terminal's width, for a line that must not wrap (a wrapped
// line is not erased by \r and ESC[K); 80 when it cannot be known.
func (s *statusLine) width() int {
	if f, ok := s.w.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

// clear erases the line where it stands. mu is held.
func (s *statusLine) clear() {
	if s.shown {
		io.WriteString(s.w, "\r\x1b[K")
		s.shown = false
	}
}

func (s *statusLine) draw() {
	if s.text != "" {
		io.WriteString(s.w, s.text)
		s.shown = true
	}
}

// Write writes p above the status line: the erase, p and the line drawn
// again go out in one write, not three (a node printing a line a
// millisecond would otherwise pay two more system calls a line).
func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = s.buf[:0]
	if s.shown {
		s.buf = append(s.buf, "\r\x1b[K"...)
		s.shown = false
	}
	s.buf = append(s.buf, p...)
	redraw := len(p) > 0 && p[len(p)-1] == '\n' && s.text != ""
	if redraw && s.fresh != nil && s.stale.Swap(false) {
		s.text = s.fit(s.fresh())
	}
	if redraw {
		s.buf = append(s.buf, s.text...)
	}
	_, err := s.w.Write(s.buf)
	s.shown = redraw && err == nil
	if len(s.buf) > 64<<10 {
		s.buf = nil // don't keep a large line's buffer
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// fit cuts text to the terminal's width.
func (s *statusLine) fit(text string) string {
	if w := s.width() - 1; utf8.RuneCountInString(text) > w && w > 3 {
		text = string([]rune(text)[:w-3]) + "..."
	}
	return text
}

func (s *statusLine) set(text string) {
	text = s.fit(text)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	s.text = text
	s.draw()
}

// close erases the line for good.
func (s *statusLine) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	s.text = ""
}

// statusEvery is how often the status line is redrawn.
const statusEvery = 250 * time.Millisecond

// showStatus redraws the status line from p until stop is closed; the
// returned func stops it, waits for its goroutine and erases the line.
func showStatus(s *statusLine, p *progress) func() {
	start := time.Now()
	attachStatus(s, p, start)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			s.set(p.status(time.Since(start)))
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(stop)
		wg.Wait()
		s.close()
	}
}

// attachStatus makes s show p's counts, from start: each node's start
// and end marks the line stale, for the log line after to redraw.
func attachStatus(s *statusLine, p *progress, start time.Time) {
	s.mu.Lock()
	s.fresh = func() string { return p.status(time.Since(start)) }
	s.mu.Unlock()
	p.mu.Lock()
	p.names = map[string]bool{}
	p.changed = &s.stale
	p.mu.Unlock()
}

// status is the status line's text.
func (p *progress) status(elapsed time.Duration) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range p.names {
			if !yield(n) {
				return
			}
		}
	})
	running := fmt.Sprintf("%d running", len(names))
	if len(names) > 0 {
		shown := names[:min(3, len(names))]
		more := ""
		if len(names) > 3 {
			more = ", ..."
		}
		running += " (" + strings.Join(shown, ", ") + more + ")"
	}
	parts := []string{fmt.Sprintf("%d/%d done", p.done, p.total), running}
	if p.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", p.failed))
	}
	if p.tolerated > 0 {
		parts = append(parts, fmt.Sprintf("%d %s", p.tolerated, engine.ToleratedLabel))
	}
	secs := int(elapsed.Seconds())
	parts = append(parts, fmt.Sprintf("%02d:%02d", secs/60, secs%60))
	return strings.Join(parts, " · ")
}
