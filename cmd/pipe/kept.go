package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// runRecords reads the records of a runs directory, each once: following
// a node kept by --resume back through a chain of resumed runs reads each
// run's record for each of its kept nodes.
type runRecords struct {
	dir  string
	recs map[string]*engine.Record
	errs map[string]error
	// journals, when set, reads a run that has no record from its
	// journal (engine.LiveRecord): a run still going, or whose pipe died
	// and whose record could not be written (or has a file in its way
	// that is not it). live marks those runs.
	journals bool
	live     map[string]bool
}

func newRunRecords(dir string) *runRecords {
	return &runRecords{dir: dir, recs: map[string]*engine.Record{}, errs: map[string]error{}, live: map[string]bool{}}
}

// get reads run id's record, or, with journals, its journal when it has
// no record.
func (r *runRecords) get(id string) (*engine.Record, error) {
	if rec, ok := r.recs[id]; ok {
		return rec, r.errs[id]
	}
	rec, err := engine.ReadRecord(filepath.Join(r.dir, id+".json"))
	if r.journals && (err != nil || rec.ID != id) {
		// No record, or a file in its way that is not it (see
		// engine.RecoverJournal): the run is its journal, if it has one.
		if lrec, lerr := engine.LiveRecord(filepath.Join(r.dir, id+engine.JournalSuffix)); !errors.Is(lerr, fs.ErrNotExist) {
			rec, err = lrec, lerr
			r.live[id] = true
		}
	}
	r.recs[id], r.errs[id] = rec, err
	return rec, err
}

// stale reports whether what get read of run id may have changed since:
// it was read from the journal of a run that --resume started (its kept
// nodes' lines come in as it goes), or of no run yet. It is read again at
// the next get.
func (r *runRecords) stale(id string) bool {
	if !r.live[id] {
		return false
	}
	rec, err := r.recs[id], r.errs[id]
	if err == nil && rec != nil && rec.ResumedFrom == "" && len(rec.Nodes) > 0 {
		return false // nothing kept: nothing to look for
	}
	delete(r.recs, id)
	delete(r.errs, id)
	delete(r.live, id)
	return true
}

// gone reports whether run id has neither a record nor a journal: it was
// deleted (pipe runs --prune, or by hand).
func (r *runRecords) gone(id string) bool {
	_, err := r.get(id)
	return errors.Is(err, fs.ErrNotExist) && !fileExists(filepath.Join(r.dir, id+engine.JournalSuffix))
}

// keptFrom returns the run that node of run id was kept from by --resume;
// "" when it was not kept, or id's record cannot be read.
// A child of a kept pipeline node (p/a), or an instance's (p[k]/a), was
// kept with it; a foreach node none of whose instances ran was kept
// through them.
func (r *runRecords) keptFrom(id, node string) string {
	rec, err := r.get(id)
	if err != nil {
		return ""
	}
	kept := func(n string) string {
		if r := rec.Nodes[n]; r != nil {
			if from, ok := strings.CutPrefix(r.Reason, engine.KeptPrefix); ok && from != id {
				return from
			}
		}
		return ""
	}
	for n := node; n != ""; n = parentID(n) {
		if from := kept(n); from != "" {
			return from
		}
		if r := rec.Nodes[n]; r != nil && r.FannedOut() {
			for _, inst := range r.InstanceIDs(n) {
				if from := kept(inst); from != "" {
					return from
				}
			}
		}
	}
	return ""
}

// keptChain returns the runs node of run id was kept from, nearest
// first: the last is the run it ran in, unless that run, or one on the
// way, is gone (then last, and gone is set).
func (r *runRecords) keptChain(id, node string) (chain []string, gone bool) {
	seen := map[string]bool{id: true}
	for from := r.keptFrom(id, node); from != "" && !seen[from]; from = r.keptFrom(from, node) {
		seen[from] = true
		chain = append(chain, from)
		if r.gone(from) {
			return chain, true
		}
	}
	return chain, false
}

// keptNodes lists the nodes of rec that --resume kept, by id, without the
// children of a kept node (they were kept with it).
func keptNodes(rec *engine.Record) []string {
	isKept := func(n string) bool {
		r := rec.Nodes[n]
		return r != nil && strings.HasPrefix(r.Reason, engine.KeptPrefix)
	}
	var kept []string
	for n := range rec.Nodes {
		if isKept(n) && !isKept(parentID(n)) {
			kept = append(kept, n)
		}
	}
	slices.Sort(kept)
	return kept
}

// keptLogs prints, for the logs of a whole run, what its nodes kept by
// --resume printed in the runs they were kept from (a run kept from a
// run that kept it too is followed back); it returns how many files it
// printed. A kept pipeline node's children come with it. A run gone on
// the way is said on stderr.
//
// With -f it is called again as the run goes on (its kept nodes come into
// its journal as they are settled): c.keptDone holds the nodes printed
// already, and those named (c.only) are the only ones printed.
func (c *logsCmd) keptLogs(e *env, w io.Writer, recs *runRecords, id string) (int, error) {
	rec, err := recs.get(id)
	if err != nil {
		if files, _ := c.files(filepath.Join(recs.dir, id)); len(files) > 0 && !errors.Is(err, fs.ErrNotExist) && !c.warned {
			// (With none, the error that ends the command says it.)
			c.warned = true
			e.logs.base.Warn("the run's record cannot be read: its nodes' logs are shown, but not those of nodes it kept from earlier runs", "err", err)
		}
		return 0, nil
	}
	if c.keptDone == nil {
		c.keptDone = map[string]bool{}
	}
	printed := 0
	for _, kept := range keptNodes(rec) {
		for _, n := range c.keptWanted(kept) {
			if c.keptDone[n] {
				continue
			}
			c.keptDone[n] = true
			chain, gone := recs.keptChain(id, n)
			one := &logsCmd{Node: n}
			found := false
			for _, from := range chain {
				files, err := one.files(filepath.Join(recs.dir, from))
				if err != nil {
					return printed, err
				}
				if len(files) == 0 {
					continue // kept there too: further back
				}
				for _, f := range files {
					if _, err := copyFrom(w, filepath.Join(recs.dir, from, f), 0, "["+strings.TrimSuffix(f, ".log")+"] "); err != nil {
						return printed, err
					}
				}
				printed += len(files)
				found = true
				break
			}
			if !found && gone { // a log directory left of a run gone is read above
				fmt.Fprintf(e.stderr, "node %s was kept from run %s, which is gone: %s\n", n, chain[len(chain)-1], goneWhy)
			}
		}
	}
	return printed, nil
}

// keptWanted returns the nodes whose logs to print of kept, a node kept
// by --resume: kept itself, or, when nodes are named (c.only), those
// named of it (a child, an instance), or kept when it is of one named.
func (c *logsCmd) keptWanted(kept string) []string {
	if c.only == nil {
		return []string{kept}
	}
	var out []string
	for _, n := range c.only {
		switch {
		case n == kept || isUnder(n, kept):
			out = append(out, n)
		case isUnder(kept, n):
			out = append(out, kept)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isUnder reports whether node id is a child or an instance of node
// above, however deep.
func isUnder(id, above string) bool {
	for p := parentID(id); p != ""; p = parentID(p) {
		if p == above {
			return true
		}
	}
	return false
}

// goneWhy says why a run a node was kept from is gone, and what went.
const goneWhy = "its record was deleted (by pipe runs --prune of an older pipe, or by hand), and with it what the node printed"

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// parentID is the node id above id: p for p/a and p[k]; "" for none.
func parentID(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	if i := strings.LastIndexByte(id, '['); i > 0 && strings.HasSuffix(id, "]") {
		return id[:i]
	}
	return ""
}
