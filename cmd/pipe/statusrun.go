//go:build !notemporal

package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.temporal.io/api/serviceerror"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/engine/temporal"
)

// What pipe status reads of the local history: which run it names (last,
// a unique start of an id, a record's file, as pipe show takes them) and
// where that run ran, and what it says of a run the server no longer
// knows.

// statusRun resolves ref, as pipe status names a run, in the runs
// directory dir: last is the newest run there that ran on Temporal; an
// id, its unique start, or a record's (or journal's) file is that run,
// which must have run on Temporal. It returns the run's id and where it
// ran (temporal://HOST:PORT/NS). An id that names no run of dir is a run
// started elsewhere, asked of Temporal as it is (remote "").
func statusRun(dir, ref string) (id, remote string, err error) {
	if ref == "last" {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			// As pipe show says it: no runs directory, not no run of one.
			if _, ferr := engine.FindRun(dir, ref); ferr != nil {
				return "", "", fail(exitFailed, "%s: %w", ref, ferr)
			}
		}
		w, err := engine.WalkRuns(dir, nil)
		if err != nil {
			return "", "", fail(exitFailed, "last: %w", err)
		}
		for h, ok := w.Next(); ok; h, ok = w.Next() {
			if h.Remote != "" {
				return h.ID, h.Remote, nil
			}
		}
		return "", "", fail(exitFailed, "last: %w: no run on Temporal in %s (pipe run FILE --on URL starts one; pipe status RUN --on URL shows a run started elsewhere)", engine.ErrNoRun, dir)
	}
	path, err := engine.FindRun(dir, ref)
	if errors.Is(err, engine.ErrNoRun) && !isRunFile(ref) {
		return ref, "", nil
	}
	if err != nil {
		return "", "", fail(exitFailed, "%s: %w", ref, err)
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), engine.JournalSuffix), ".json")
	w, err := engine.WalkRuns(filepath.Dir(path), func(id string) bool { return id == stem })
	if err != nil {
		return "", "", fail(exitFailed, "%s: %w", ref, err)
	}
	h, ok := w.Next()
	switch {
	case !ok:
		return "", "", fail(exitFailed, "%s: %w: %s cannot be read as a run (pipe show %s says why)", ref, engine.ErrNoRun, path, ref)
	case h.Remote == "":
		return "", "", fail(exitFailed, "%s: run %s ran here, not on Temporal: pipe show %s shows it", ref, h.ID, h.ID)
	}
	return h.ID, h.Remote, nil
}

// isRunFile reports whether ref names a run by its record's or journal's
// file, as engine.FindRun takes it.
func isRunFile(ref string) bool {
	return strings.ContainsRune(ref, filepath.Separator) || strings.HasSuffix(ref, ".json") || strings.HasSuffix(ref, engine.JournalSuffix)
}

// runGone is the error of pipe status on run id, which the server at ep
// does not know (err says so), when the runs directory dir has it: the
// run is gone (a dev server that restarted keeps no runs), will never
// end, and the record here is all there is of it. nil when err is
// another error, or dir does not have the run.
func runGone(e *env, dir, id string, ep temporal.Endpoint, err error) error {
	var nf *serviceerror.NotFound
	if !errors.As(err, &nf) {
		return nil
	}
	path, ferr := engine.FindRun(dir, id)
	if ferr != nil {
		return nil
	}
	rec, rerr := readRun(e, path) // a dead follower's journal is recovered
	if rerr != nil {
		return nil
	}
	return fail(exitFailed, "run %s is gone from %s: the server does not know it any more (a dev server that restarted keeps no runs), so it will not end and cannot be followed; the runs directory records it %s, as far as it was seen here (pipe show %s)", id, ep, rec.Status, id)
}
