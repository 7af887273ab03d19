package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// RunWalk walks the runs of a runs directory newest first, reading a
// file only when the walk reaches it, and then only its head line: `last`
// and `runs -n 5` in a directory of 10,000 records read a few.
//
// Newest first is by the second a run's id says it started in (NewRunID
// makes ids of the time pipe run began), then, among the runs of one
// second, by their start (the record's), then by id. A record whose id is
// made otherwise is placed by its start.
type RunWalk struct {
	dir    string
	groups []runGroup // newest first
	next   []RunHead  // the group read last, what is left of it
	// damaged are the names of the records read that cannot be, or that
	// hold another run than their name says (a copy).
	damaged []string
}

// RunHead is a run as RunWalk reads it: its summary without the nodes'
// counts (RunWalk.Counted reads them).
type RunHead struct {
	RunSummary
	// Broken is why a record cannot be read at all; the summary then has
	// only ID (the file's name), Path and the StartedAt its id says (the
	// second; zero when the id says none).
	Broken error
}

type runGroup struct {
	sec   time.Time
	files []string // names in the runs directory
	heads []RunHead
	read  bool
}

// WalkRuns starts a walk of dir's runs, of every run when keep is nil, or
// of those whose id keep takes.
func WalkRuns(dir string, keep func(id string) bool) (*RunWalk, error) {
	names, err := listNames(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return &RunWalk{dir: dir}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing runs: %w", err)
	}
	w := &RunWalk{dir: dir}
	bySec := map[time.Time]*runGroup{}
	var untimed []RunHead
	for _, name := range names {
		id, ok := strings.CutSuffix(name, ".json")
		if !ok {
			if id, ok = strings.CutSuffix(name, JournalSuffix); !ok {
				continue
			}
		}
		if keep != nil && !keep(id) {
			continue
		}
		sec, timed := runIDTime(id)
		if !timed {
			// Placed by its start: read now.
			if h, ok := w.readHead(name); ok {
				untimed = append(untimed, h)
			}
			continue
		}
		g := bySec[sec]
		if g == nil {
			g = &runGroup{sec: sec}
			bySec[sec] = g
		}
		g.files = append(g.files, name)
	}
	for _, h := range untimed {
		sec := h.StartedAt.Truncate(time.Second)
		g := bySec[sec]
		if g == nil {
			g = &runGroup{sec: sec}
			bySec[sec] = g
		}
		g.heads = append(g.heads, h)
	}
	for _, g := range bySec {
		w.groups = append(w.groups, *g)
	}
	slices.SortFunc(w.groups, func(a, b runGroup) int { return b.sec.Compare(a.sec) })
	return w, nil
}

// Next returns the next run, newest first; false at the end. A live
// run's journal without its header yet (a run just starting) is passed
// over, and so is a record that holds another run than its name says (a
// copy; Damaged names it). A dead pipe's journal nothing can be read
// from comes as a broken run (Broken set; Damaged names it). A journal
// whose run has its record (written, the journal not yet removed) is
// passed over: the record is the run.
func (w *RunWalk) Next() (RunHead, bool) {
	for len(w.next) == 0 {
		if len(w.groups) == 0 {
			return RunHead{}, false
		}
		g := w.groups[0]
		w.groups = w.groups[1:]
		// Records first: a journal of a run that has one is not read.
		slices.SortFunc(g.files, func(a, b string) int {
			return cmpBool(strings.HasSuffix(a, JournalSuffix), strings.HasSuffix(b, JournalSuffix))
		})
		recorded := map[string]bool{}
		for _, h := range g.heads {
			if h.Broken == nil && !strings.HasSuffix(h.Path, JournalSuffix) {
				recorded[h.ID] = true
			}
		}
		var heads []RunHead
		for _, h := range g.heads {
			if !strings.HasSuffix(h.Path, JournalSuffix) || !recorded[h.ID] {
				heads = append(heads, h)
			}
		}
		for _, name := range g.files {
			if id, ok := strings.CutSuffix(name, JournalSuffix); ok && recorded[id] {
				continue
			}
			h, ok := w.readHead(name)
			if !ok {
				continue
			}
			if h.Broken == nil && !strings.HasSuffix(name, JournalSuffix) {
				recorded[h.ID] = true
			}
			heads = append(heads, h)
		}
		slices.SortFunc(heads, func(a, b RunHead) int {
			if (a.Broken == nil) != (b.Broken == nil) { // what can be read first
				if a.Broken == nil {
					return -1
				}
				return 1
			}
			if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		w.next = heads
	}
	h := w.next[0]
	w.next = w.next[1:]
	return h, true
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Damaged names the records read so far that cannot be read, or that hold
// another run than their name says, and the dead pipes' journals nothing
// can be read from, sorted.
func (w *RunWalk) Damaged() []string {
	slices.Sort(w.damaged)
	return w.damaged
}

// readHead reads the head of the record or journal name; false for a
// file that is no run (a live run's journal without its header yet, a
// copy of a record). A journal is read as ListRunsDamaged always read
// them (see journalSummary): a live run's head line, running; a dead
// pipe's whole (its record could not be written), its run interrupted;
// a dead pipe's of which nothing can be read, damaged (Broken), never a
// run.
func (w *RunWalk) readHead(name string) (RunHead, bool) {
	path := filepath.Join(w.dir, name)
	var s RunSummary
	var err error
	id, journal := strings.CutSuffix(name, JournalSuffix)
	if journal {
		s, err = journalSummary(path)
		if err != nil && !errors.Is(err, ErrJournalUnreadable) {
			return RunHead{}, false // a run just starting, or gone meanwhile
		}
	} else {
		id = strings.TrimSuffix(name, ".json")
		s, err = readHead(path)
	}
	switch {
	case err != nil:
		w.damaged = append(w.damaged, name)
		started, _ := runIDTime(id)
		return RunHead{RunSummary: RunSummary{ID: id, StartedAt: started, Path: path}, Broken: err}, true
	case journal:
		return RunHead{RunSummary: s}, s.ID == id
	case s.ID != id:
		// A copy of a record under another name: run ids are the
		// records' file names (pipe show ID, prune).
		w.damaged = append(w.damaged, name)
		return RunHead{}, false
	}
	return RunHead{RunSummary: s}, true
}

// Counted returns s with its nodes counted by how they ended: a record's
// node lines are read (one short field each), a run still going has none.
func Counted(s RunSummary) RunSummary {
	if s.Counts != nil || s.Status == StatusRunning {
		if s.Counts == nil {
			s.Counts = map[Status]int{}
		}
		return s
	}
	s.Counts = map[Status]int{}
	f, err := os.Open(s.Path)
	if err != nil {
		return s
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if _, err := br.ReadSlice('\n'); err != nil && !errors.Is(err, bufio.ErrBufferFull) {
		return s
	} else if errors.Is(err, bufio.ErrBufferFull) { // a long head line: skip the rest of it
		if _, err := br.ReadBytes('\n'); err != nil {
			return s
		}
	}
	var failed failedLines
	for {
		node, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) { // a long line
			// Its start, copied: reading the rest refills the buffer
			// node points into.
			node = bytes.Clone(node)
			var rest []byte
			rest, err = br.ReadBytes('\n')
			node = append(node, rest...)
		}
		if st, ok := nodeStatus(node); ok {
			s.Counts[st]++
			if st == StatusError {
				failed.add(node)
			}
		}
		if err != nil {
			s.Tolerated = failed.tolerated()
			return s
		}
	}
}

// failedLines gathers the failed nodes of a record's node lines, to count
// those the run went past once every line is read: a sub-pipeline's node,
// parent/child, that failed under a parent that continue_on_error let the
// run go past (its line may come later) is one of them (Record.Tally).
type failedLines struct {
	ids         []string
	toleratedID map[string]bool
}

func (f *failedLines) add(line []byte) {
	id, tolerated := failedLine(line)
	f.ids = append(f.ids, id)
	if tolerated {
		if f.toleratedID == nil {
			f.toleratedID = map[string]bool{}
		}
		f.toleratedID[id] = true
	}
}

func (f *failedLines) tolerated() int {
	n := 0
	for _, id := range f.ids {
		if f.toleratedID[id] || underTolerated(id, func(id string) bool { return f.toleratedID[id] }) {
			n++
		}
	}
	return n
}

// nodeStatus reads how a node of a record's node line ended; false for a
// foreach node (it counts by its instances) and a line that is no node's.
// A node line is "id":{"module":"...","status":"...",...}, with a comma
// unless it is the last (appendNodeFields): neither string before the
// status can hold a bare quote, so the first "status" is the node's.
func nodeStatus(line []byte) (Status, bool) {
	const module, status = `":{"module":"`, `","status":"`
	if i := bytes.Index(line, []byte(module)); i >= 0 && !bytes.Contains(line, []byte(`"items":[`)) {
		rest := line[i+len(module):]
		if j := bytes.Index(rest, []byte(status)); j >= 0 {
			rest = rest[j+len(status):]
			if k := bytes.IndexByte(rest, '"'); k >= 0 {
				return Status(rest[:k]), true
			}
		}
	}
	// Written otherwise, or with items (a foreach node's, or an output's).
	i := bytes.Index(line, []byte(`":{`))
	if i < 0 {
		return "", false
	}
	var n struct {
		Status Status
		Items  json.RawMessage
	}
	body := bytes.TrimRight(bytes.TrimSpace(line[i+2:]), ",")
	if json.Unmarshal(body, &n) != nil || len(n.Items) > 0 {
		return "", false
	}
	return n.Status, true
}

// failedLine reads a record's node line, of a node that failed: its id,
// and whether continue_on_error let the run go past it. Only a line that
// holds Tolerated's text at all is decoded, for its reason.
func failedLine(line []byte) (id string, tolerated bool) {
	i := bytes.Index(line, []byte(`":{`))
	if i < 0 || json.Unmarshal(bytes.TrimSpace(line[:i+1]), &id) != nil {
		return "", false
	}
	if !bytes.Contains(line, []byte(Tolerated+`"`)) {
		return id, false
	}
	var n struct { // only what Tolerated reads: the outputs are skipped
		Status Status
		Reason string
	}
	body := bytes.TrimRight(bytes.TrimSpace(line[i+2:]), ",")
	return id, json.Unmarshal(body, &n) == nil && (&NodeRecord{Status: n.Status, Reason: n.Reason}).Tolerated()
}

// recordHead is what a record's head line says of its run.
type recordHead struct {
	ID          string    `json:"id"`
	Pipeline    string    `json:"pipeline"`
	File        string    `json:"file"`
	Status      Status    `json:"status"`
	StartedAt   time.Time `json:"started_at"`
	DurationMS  int64     `json:"duration_ms"`
	ResumedFrom string    `json:"resumed_from"`
	Remote      string    `json:"remote"`
}

// readHead reads a record's head line: the run without its nodes (Counts
// nil). Records are written a node per line after it (see EncodeRecord);
// a record written otherwise is read whole, and comes with its counts.
func readHead(path string) (RunSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return RunSummary{}, err
	}
	defer f.Close()
	head, err := bufio.NewReaderSize(f, 4<<10).ReadBytes('\n')
	const nodesKey = `,"nodes":{`
	line := bytes.TrimRight(head, "\n")
	if err != nil || !bytes.HasSuffix(line, []byte(nodesKey)) {
		rec, err := ReadRecord(path)
		if err != nil {
			return RunSummary{}, err
		}
		return summaryOf(rec, path), nil
	}
	var h recordHead
	if err := json.Unmarshal(append(line[:len(line)-len(nodesKey)], '}'), &h); err != nil || h.ID == "" {
		return RunSummary{}, fmt.Errorf("%s: not a run record", path)
	}
	return RunSummary{ID: h.ID, Pipeline: h.Pipeline, File: h.File, Status: h.Status, StartedAt: h.StartedAt,
		DurationMS: h.DurationMS, ResumedFrom: h.ResumedFrom, Remote: h.Remote, Path: path}, nil
}
