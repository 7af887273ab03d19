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

// RunSummary is a line of a runs directory's history: a run, without its
// nodes' records.
type RunSummary struct {
	ID         string         `json:"id"`
	Pipeline   string         `json:"pipeline"`
	File       string         `json:"file,omitempty"`
	Status     Status         `json:"status"`
	StartedAt  time.Time      `json:"started_at"`
	DurationMS int64          `json:"duration_ms"`
	Counts     map[Status]int `json:"counts"`
	// ResumedFrom is the run this one resumed (pipe run --resume): its
	// kept nodes' logs are that run's, or further back.
	ResumedFrom string `json:"resumed_from,omitempty"`
	// Path is the record's file, or the journal's for a run still going.
	Path string `json:"path"`
}

// ErrNoRun is a run reference that names no run.
var ErrNoRun = errors.New("no such run")

// ErrAmbiguousRun is a run reference that starts more than one run's id.
var ErrAmbiguousRun = errors.New("more than one run")

// ListRuns returns the runs recorded in dir, newest first, with the runs
// still going (from their journals) as running. It reads each record's
// head and one short field a node, not the records whole.
func ListRuns(dir string) ([]RunSummary, error) {
	runs, _, err := ListRunsDamaged(dir)
	return runs, err
}

// ListRunsDamaged is ListRuns that also names the .json files of dir that
// are not records it can read (cut short, edited by hand, or not pipe's).
func ListRunsDamaged(dir string) ([]RunSummary, []string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("listing runs: %w", err)
	}
	var out []RunSummary
	var damaged []string
	for _, ent := range ents {
		name := ent.Name()
		path := filepath.Join(dir, name)
		var s RunSummary
		switch {
		case ent.IsDir():
			continue
		case strings.HasSuffix(name, ".json"):
			if s, err = readSummary(path); err != nil || s.ID+".json" != name {
				// Damaged, or a copy of a record under another name: run
				// ids are the records' file names (pipe show ID, prune).
				damaged = append(damaged, name)
				continue
			}
		case strings.HasSuffix(name, JournalSuffix):
			if s, err = runningSummary(path); err != nil {
				continue
			}
		default:
			continue
		}
		out = append(out, s)
	}
	// Newest first; runs of the same instant by id.
	slices.SortFunc(out, func(a, b RunSummary) int {
		if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, damaged, nil
}

// readSummary reads a record's head line and its nodes' statuses. Records
// are written a node per line (see encodeRecord); a record written
// otherwise is read whole.
func readSummary(path string) (RunSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return RunSummary{}, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, err := br.ReadBytes('\n')
	const nodesKey = `,"nodes":{`
	line := bytes.TrimRight(head, "\n")
	if err != nil || !bytes.HasSuffix(line, []byte(nodesKey)) {
		rec, err := ReadRecord(path)
		if err != nil {
			return RunSummary{}, err
		}
		return summaryOf(rec, path), nil
	}
	var rec Record
	if err := json.Unmarshal(append(line[:len(line)-len(nodesKey)], '}'), &rec); err != nil || rec.ID == "" {
		return RunSummary{}, fmt.Errorf("%s: not a run record", path)
	}
	s := summaryOf(&rec, path)
	for {
		node, err := br.ReadBytes('\n')
		// A node line is "id":{...}, with a comma unless it is the last.
		if i := bytes.Index(node, []byte(`":{`)); i >= 0 {
			var n struct {
				Status Status
				Items  json.RawMessage
			}
			body := bytes.TrimRight(bytes.TrimSpace(node[i+2:]), ",")
			if json.Unmarshal(body, &n) == nil && len(n.Items) == 0 { // a foreach node counts by its instances
				s.Counts[n.Status]++
			}
		}
		if err != nil {
			break
		}
	}
	return s, nil
}

func summaryOf(rec *Record, path string) RunSummary {
	s := RunSummary{ID: rec.ID, Pipeline: rec.Pipeline, File: rec.File, Status: rec.Status, StartedAt: rec.StartedAt,
		DurationMS: rec.DurationMS, Counts: map[Status]int{}, ResumedFrom: rec.ResumedFrom, Path: path}
	for _, n := range rec.Nodes {
		if !n.FannedOut() { // a foreach node counts by its instances
			s.Counts[n.Status]++
		}
	}
	return s
}

// runningSummary reads the header of a live run's journal.
func runningSummary(path string) (RunSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return RunSummary{}, err
	}
	defer f.Close()
	line, _ := bufio.NewReaderSize(f, 64<<10).ReadBytes('\n')
	var h JournalHeader
	if err := json.Unmarshal(line, &h); err != nil || h.Version == 0 {
		return RunSummary{}, fmt.Errorf("%s: no journal header", path)
	}
	id := strings.TrimSuffix(filepath.Base(path), JournalSuffix)
	return RunSummary{ID: id, Pipeline: h.Pipeline, File: h.File, Status: StatusRunning, StartedAt: h.StartedAt,
		DurationMS: time.Since(h.StartedAt).Milliseconds(), Counts: map[Status]int{}, ResumedFrom: h.ResumedFrom, Path: path}, nil
}

// FindRun resolves a run reference to its record's (or, for a run still
// going, its journal's) path: `last` (the newest run), a run id, a unique
// prefix of one, or a path to a record or journal file.
func FindRun(dir, ref string) (string, error) {
	if ref == "" {
		return "", fmt.Errorf("%w: no run named: give last, a run id or its start (pipe runs lists them)", ErrNoRun)
	}
	if strings.ContainsRune(ref, filepath.Separator) || strings.HasSuffix(ref, ".json") || strings.HasSuffix(ref, JournalSuffix) {
		if !fileExists(ref) && !strings.ContainsRune(ref, filepath.Separator) {
			if in := filepath.Join(dir, ref); fileExists(in) {
				return in, nil // a record's file name, in the runs directory
			}
		}
		return ref, nil // a file: read as it is
	}
	if in := filepath.Join(dir, ref+".json"); ref != "last" && validRunID(ref) && fileExists(in) {
		// A whole id. A damaged record is not listed: its reader says
		// what is wrong. A copy of a record under another name is not
		// that run (its logs are under the run's own id).
		s, err := readSummary(in)
		if err != nil || s.ID == ref {
			return in, nil
		}
		return "", fmt.Errorf("%w: %s holds run %s, not a run of its own name (a copy?): name the run by its id", ErrNoRun, in, s.ID)
	}
	runs, damaged, err := ListRunsDamaged(dir)
	if err != nil {
		return "", err
	}
	// Damaged records are runs too, named by their file: the newest run,
	// or the one a prefix names, may be one, and its reader says what is
	// wrong with it rather than another run answering for it.
	broken := brokenRuns(dir, damaged)
	if len(runs) == 0 && len(broken) == 0 {
		if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
			return "", fmt.Errorf("%w: %s is a file, not a directory of runs (name the runs directory with --runs-dir)", ErrNoRun, dir)
		}
		return "", fmt.Errorf("%w: %s holds no runs (run one with pipe run, or name another with --runs-dir)", ErrNoRun, dir)
	}
	if ref == "last" {
		return newest(runs, broken), nil
	}
	var found []RunSummary
	for _, r := range slices.Concat(runs, broken) {
		if r.ID == ref {
			return r.Path, nil
		}
		if strings.HasPrefix(r.ID, ref) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%w: no run in %s has an id starting %q (pipe runs lists them)", ErrNoRun, dir, ref)
	case 1:
		return found[0].Path, nil
	}
	ids := make([]string, 0, 4)
	for _, r := range found[:min(len(found), 4)] {
		ids = append(ids, r.ID)
	}
	return "", fmt.Errorf("%w: %q is the start of %d run ids (%s...): give more of it", ErrAmbiguousRun, ref, len(found), strings.Join(ids, ", "))
}

// brokenRuns are the damaged records among names (ListRunsDamaged's) that
// cannot be read at all, as runs with their file's id and, when the id
// says it (NewRunID), its start to the second; copies of records under
// another name, which read, are left out.
func brokenRuns(dir string, names []string) []RunSummary {
	var out []RunSummary
	for _, name := range names {
		path := filepath.Join(dir, name)
		if _, err := readSummary(path); err == nil {
			continue
		}
		id := strings.TrimSuffix(name, ".json")
		started, _ := time.Parse("20060102T150405Z", strings.SplitN(id, "-", 2)[0])
		out = append(out, RunSummary{ID: id, StartedAt: started, Path: path})
	}
	return out
}

// newest is the path of the newest run: of runs (newest first), or a
// broken record whose id says it started in a later second.
func newest(runs, broken []RunSummary) string {
	best := RunSummary{}
	if len(runs) > 0 {
		best = runs[0]
	}
	for _, b := range broken {
		if best.Path == "" || b.StartedAt.After(best.StartedAt.Truncate(time.Second)) {
			best = b
		}
	}
	return best.Path
}

// DeleteRun removes run id's record and its node logs from dir.
func DeleteRun(dir, id string) error {
	if !validRunID(id) {
		return fmt.Errorf("deleting run: run id %q is not a file name", id)
	}
	if err := os.RemoveAll(filepath.Join(dir, id)); err != nil {
		return fmt.Errorf("deleting run %s: %w", id, err)
	}
	if err := os.Remove(filepath.Join(dir, id+".json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("deleting run %s: %w", id, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
