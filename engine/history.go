package engine

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
	// Tolerated is how many of Counts' errors continue_on_error let the
	// run go past (NodeRecord.Tolerated).
	Tolerated int `json:"tolerated,omitempty"`
	// ResumedFrom is the run this one resumed (pipe run --resume): its
	// kept nodes' logs are that run's, or further back.
	ResumedFrom string `json:"resumed_from,omitempty"`
	// Remote is where the run runs, or ran, when not in pipe's process
	// (temporal://HOST:PORT/NS): pipe status --on it shows the run.
	Remote string `json:"remote,omitempty"`
	// Path is the record's file, or the journal's for a run still going.
	Path string `json:"path"`
}

// ErrNoRun is a run reference that names no run.
var ErrNoRun = errors.New("no such run")

// ErrAmbiguousRun is a run reference that starts more than one run's id.
var ErrAmbiguousRun = errors.New("more than one run")

// ListRuns returns the runs recorded in dir, newest first (see RunWalk),
// with the runs still going (from their journals) as running. It reads
// each record's head and one short field a node, not the records whole.
func ListRuns(dir string) ([]RunSummary, error) {
	runs, _, err := ListRunsDamaged(dir)
	return runs, err
}

// ListRunsDamaged is ListRuns that also names the .json files of dir that
// are not records it can read (cut short, edited by hand, or not pipe's),
// or that hold another run than their name says (a copy), and the
// journals of dead pipes nothing can be read from (ErrJournalUnreadable).
// A dead pipe's journal that is not recovered yet (its record could not
// be written) is its run, interrupted.
func ListRunsDamaged(dir string) ([]RunSummary, []string, error) {
	w, err := WalkRuns(dir, nil)
	if err != nil {
		return nil, nil, err
	}
	var out []RunSummary
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		if h.Broken == nil {
			out = append(out, Counted(h.RunSummary))
		}
	}
	return out, w.Damaged(), nil
}

func summaryOf(rec *Record, path string) RunSummary {
	s := RunSummary{ID: rec.ID, Pipeline: rec.Pipeline, File: rec.File, Status: rec.Status, StartedAt: rec.StartedAt,
		DurationMS: rec.DurationMS, ResumedFrom: rec.ResumedFrom, Remote: rec.Remote, Path: path}
	s.Counts, s.Tolerated = rec.Tally()
	return s
}

// journalSummary reads the header of a live run's journal; a journal
// whose pipe is gone (not recovered yet: its record could not be written)
// is read whole, as RecoverJournal reads it, into its run, interrupted (or
// as it ended, when the journal says so). A dead pipe's journal of which
// nothing can be read is ErrJournalUnreadable; a live one without its
// header yet (a run just starting) is no run.
func journalSummary(path string) (RunSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return RunSummary{}, err
	}
	defer f.Close() // unlocks
	id := strings.TrimSuffix(filepath.Base(path), JournalSuffix)
	line, _ := bufio.NewReaderSize(f, 64<<10).ReadBytes('\n')
	var h JournalHeader
	headed := json.Unmarshal(line, &h) == nil && h.Version > 0
	if dead, _ := tryLock(f); dead {
		fi, err := f.Stat()
		if err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
		if err != nil {
			return RunSummary{}, err
		}
		rec, _, _, ok := readJournal(f, id, fi.ModTime())
		if !ok {
			return RunSummary{}, unreadable(path)
		}
		return summaryOf(rec, path), nil
	}
	if !headed {
		return RunSummary{}, fmt.Errorf("%s: no journal header", path)
	}
	return RunSummary{ID: id, Pipeline: h.Pipeline, File: h.File, Status: StatusRunning, StartedAt: h.StartedAt,
		DurationMS: time.Since(h.StartedAt).Milliseconds(), Counts: map[Status]int{}, ResumedFrom: h.ResumedFrom, Remote: h.Remote, Path: path}, nil
}

// FindRun resolves a run reference to its record's (or, for a run still
// going, its journal's) path: `last` (the newest run), a run id, a unique
// prefix of one, or a path to a record or journal file. It reads the
// records it needs to tell, not every record of dir.
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
		// A record whose run has only its journal (its pipe died), or a
		// journal whose run has ended since, is read by the other.
		base := strings.TrimSuffix(strings.TrimSuffix(ref, JournalSuffix), ".json")
		if !fileExists(ref) && !fileExists(base+".json") && !fileExists(base+JournalSuffix) {
			return "", fmt.Errorf("%w: there is no file %s; a run is named last, by its id or its unique start (pipe runs lists them), or by its record's file", ErrNoRun, ref)
		}
		return ref, nil // a file: read as it is
	}
	if in := filepath.Join(dir, ref+".json"); ref != "last" && validRunID(ref) && fileExists(in) {
		// A whole id. A damaged record is not listed: its reader says
		// what is wrong. A copy of a record under another name is not
		// that run (its logs are under the run's own id).
		s, err := readHead(in)
		if journal := filepath.Join(dir, ref+JournalSuffix); (err != nil || s.ID != ref) && fileExists(journal) {
			// Not its record, but in its way (see RecoverJournal): the
			// run is its journal.
			return journal, nil
		}
		if err != nil || s.ID == ref {
			return in, nil
		}
		return "", fmt.Errorf("%w: %s holds run %s, not a run of its own name (a copy?): name the run by its id", ErrNoRun, in, s.ID)
	}
	var keep func(string) bool
	if ref != "last" {
		keep = func(id string) bool { return strings.HasPrefix(id, ref) }
	}
	w, err := WalkRuns(dir, keep)
	if err != nil {
		return "", err
	}
	// Damaged records are runs too, named by their file: the newest run,
	// or the one a prefix names, may be one, and its reader says what is
	// wrong with it rather than another run answering for it.
	var found []RunSummary
	seen := map[string]bool{}
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		if ref == "last" || h.ID == ref {
			return h.Path, nil
		}
		if seen[h.ID] {
			// A run's journal and a file in its record's way that cannot
			// be read: one run (the journal comes first).
			continue
		}
		seen[h.ID] = true
		found = append(found, h.RunSummary)
	}
	switch len(found) {
	case 0:
		if err := NotRunsDir(dir); err != nil {
			return "", fmt.Errorf("%w: %w (name the runs directory with --runs-dir)", ErrNoRun, err)
		}
		if err := MissingRunsDir(dir); err != nil {
			return "", fmt.Errorf("%w: %w", ErrNoRun, err)
		}
		if ref == "last" || !holdsRuns(dir) {
			return "", fmt.Errorf("%w: %s holds no runs (run one with pipe run, or name another with --runs-dir)", ErrNoRun, dir)
		}
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

// NotRunsDir says what is wrong with dir as a runs directory: it is a
// file, or a directory above it is. nil when it is a directory, or is not
// there (the first run makes it).
func NotRunsDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("%s is a file, not a directory of runs", dir)
	case errors.Is(err, syscall.ENOTDIR):
		for p := filepath.Dir(dir); p != filepath.Dir(p); p = filepath.Dir(p) {
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return fmt.Errorf("%s is not a directory of runs: %s is a file", dir, p)
			}
		}
		return fmt.Errorf("%s is not a directory of runs: a directory above it is a file", dir)
	}
	return nil
}

// MissingRunsDir says that runs directory dir does not exist, when it
// does not (a typo, or another directory's .pipe/runs): it holds no runs,
// but "holds no runs" would have the user look for why. nil when it is
// there, or cannot be told.
func MissingRunsDir(dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: no run was recorded there (pipe run records runs in .pipe/runs of the directory it runs in; --runs-dir names another)", dir)
	}
	return nil
}

// holdsRuns reports whether dir holds a run: a record, damaged or not, or
// a journal of a run going.
func holdsRuns(dir string) bool {
	w, err := WalkRuns(dir, nil)
	if err != nil {
		return false
	}
	_, ok := w.Next()
	return ok
}

// DeleteRun removes run id's record and its node logs from dir, and the
// journal of a run whose pipe died and whose record could not be written
// (never call it on a run still going).
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
	if err := RemoveJournal(filepath.Join(dir, id+JournalSuffix)); err != nil {
		return fmt.Errorf("deleting run %s: %w", id, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
