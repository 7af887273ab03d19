package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/schema"
)

type logsCmd struct {
	Ref     string   `arg:"" name:"run" optional:"" default:"last" help:"The run: last (the default), a run id or a unique start of one."`
	Nodes   []string `arg:"" name:"node" optional:"" help:"Only these nodes' output."`
	Follow  bool     `short:"f" help:"Keep printing what the nodes write until the run ends."`
	RunsDir string   `help:"Where run records are." default:".pipe/runs"`

	// Node is the one node printed, of Nodes; only, with -f, the nodes
	// printed when several are. several marks each line with its node
	// even when one node is printed at a time.
	Node    string   `kong:"-"`
	only    []string `kong:"-"`
	several bool     `kong:"-"`
	// keptDone are the kept nodes printed (see keptLogs); warned is set
	// once the run's record was said to be unreadable; unknown is the
	// error of the names of -f that are no node of the run, said when
	// they were found and ending the command when it ends.
	keptDone map[string]bool `kong:"-"`
	warned   bool            `kong:"-"`
	unknown  error           `kong:"-"`
}

// followEvery is how often -f looks for more output.
const followEvery = 200 * time.Millisecond

func (c *logsCmd) Run(e *env) error {
	// One write per line costs a system call a line (1.4 million for a
	// 124 MB log): the output is buffered, and flushed at the end and
	// before -f waits for more.
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	err := c.run(e, out)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

func (c *logsCmd) run(e *env, out *bufio.Writer) error {
	if c.Ref == "" {
		return fail(exitUsage, "name a run: last, a run id or its unique start (pipe runs lists them)")
	}
	// A node's log is <run>/<node>.log: an id that is no node's must not
	// name a file elsewhere (p/../../x).
	for _, n := range c.Nodes {
		if n == "" || !filepath.IsLocal(n) || slices.Contains(strings.Split(filepath.ToSlash(n), "/"), "..") || strings.ContainsRune(n, '\\') {
			return fail(exitUsage, "%q is not a node id: ids are letters, digits and _, node[key] for an instance and node/child in a sub-pipeline", n)
		}
	}
	path, err := engine.FindRun(c.RunsDir, c.Ref)
	if err != nil {
		return fail(exitFailed, "%s: %w%s", c.Ref, err, c.nodeHint(err))
	}
	switch {
	case len(c.Nodes) == 1:
		c.Node = c.Nodes[0]
	case len(c.Nodes) > 1 && c.Follow:
		c.only = c.Nodes
	case len(c.Nodes) > 1:
		return c.each(e, out, path)
	}
	dir := filepath.Dir(path)
	id := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), engine.JournalSuffix)
	asked := id // the run named; id becomes the run a kept node ran in
	logDir := filepath.Join(dir, id)
	recs := newRunRecords(dir)
	recs.journals = true // a run still going has its kept nodes in its journal
	offsets := map[string]int64{}
	seen := map[string]bool{id: true}
	kept := 0 // files printed of nodes kept by --resume, from earlier runs
	if c.Follow {
		if err := c.checkNames(e, recs, id); err != nil {
			return err
		}
	}
	if c.Node == "" {
		if kept, err = c.keptLogs(e, out, recs, id); err != nil {
			return err
		}
	}
	for {
		files, err := c.files(logDir)
		if err != nil {
			return err
		}
		if rec, err := recs.get(id); err == nil {
			inItemOrder(files, rec)
		}
		if c.Node != "" && len(files) == 0 && c.Follow && (recs.keptFrom(id, c.Node) != "" || runEnded(dir, id)) {
			// Kept by --resume (it prints nothing in this run), or the
			// run has ended: as without -f.
			c.Follow = false
			continue
		}
		if c.Node != "" && len(files) == 0 && !c.Follow {
			// A node kept by --resume printed in the run it was kept from
			// (which may have kept it from another).
			if from := recs.keptFrom(id, c.Node); from != "" && !seen[from] {
				seen[from] = true
				id, logDir = from, filepath.Join(dir, from)
				continue
			}
			if id != asked && recs.gone(id) {
				// Its log directory may be left: read above, if so.
				return fail(exitFailed, "node %s of run %s was kept from run %s, which is gone: %s", c.Node, asked, id, goneWhy)
			}
			return c.noLog(e, dir, asked, id, logDir)
		}
		if len(files) == 0 && len(offsets) == 0 && kept == 0 {
			if where := onWorkers(dir, id); where != "" {
				return fail(exitFailed, "%s", where)
			}
			if bad := unreadableRun(e, path); bad != nil {
				// Whether its nodes printed anything is not known.
				return fail(exitFailed, "run %s has no node logs in %s, and it cannot be read, so whether its nodes printed anything is not known: %v", id, logDir, bad)
			}
			if !c.Follow || runEnded(dir, id) {
				// Said, not printed: stdout holds only the nodes' output.
				what := "its nodes"
				if c.only != nil {
					what = "nodes " + strings.Join(c.only, ", ")
				}
				fmt.Fprintf(e.stderr, "run %s left no output in %s: %s printed nothing, or run in pipe's process (or the directory was removed)\n", id, logDir, what)
				return c.interrupted(e, dir, id)
			}
		}
		for _, f := range files {
			if offsets[f], err = copyFrom(out, filepath.Join(logDir, f), offsets[f], c.prefix(f)); err != nil {
				return err
			}
		}
		if !c.Follow || runEnded(dir, id) {
			if c.Follow && c.Node == "" && recs.stale(id) {
				// Kept nodes whose lines came into the journal late.
				if _, err := c.keptLogs(e, out, recs, id); err != nil {
					return err
				}
			}
			if c.unknown != nil {
				return silent(exitFailed) // said when found
			}
			return c.interrupted(e, dir, id)
		}
		// A resume still going: its journal is read again at the next
		// look, for kept nodes settled since (keptFrom, keptLogs).
		if stale := recs.stale(id); stale && c.Node == "" {
			n, err := c.keptLogs(e, out, recs, id)
			if err != nil {
				return err
			}
			kept += n
		}
		if err := out.Flush(); err != nil {
			return err
		}
		select {
		case <-e.ctx.Done():
			return silent(exitInterrupted)
		case <-time.After(followEvery):
		}
	}
}

// checkNames checks, for -f, that the nodes named are nodes of run id, as
// the command without -f does of those that left no log: a single node
// that is not ends the command (exit 1); of several, each that is not is
// said, and the others are followed (exit 1 at the end). A run whose
// nodes cannot be read yet (its journal has no header) is not checked.
func (c *logsCmd) checkNames(e *env, recs *runRecords, id string) error {
	names := c.only
	if c.Node != "" {
		names = []string{c.Node}
	}
	if len(names) == 0 {
		return nil
	}
	rec, err := recs.get(id)
	if err != nil || len(rec.Nodes) == 0 {
		return nil
	}
	var known []string
	for _, n := range names {
		if isNodeOf(rec, n) {
			known = append(known, n)
			continue
		}
		nerr := noNode(id, n, rec)
		if c.Node != "" || len(known) == 0 && n == names[len(names)-1] {
			return nerr
		}
		e.logs.sayer(e.stderr)(nerr.(*exitError).err.Error())
		c.unknown = nerr
	}
	if c.only != nil {
		c.only = known
	}
	return nil
}

// isNodeOf reports whether node is a node of rec, or of a node of rec (an
// instance, a sub-pipeline's node: in a run still going, not all are in
// its journal yet).
func isNodeOf(rec *engine.Record, node string) bool {
	for n := node; n != ""; n = parentID(n) {
		if rec.Nodes[n] != nil {
			return true
		}
	}
	return false
}

// noNode is the error of a node that is no node of run id.
func noNode(id, node string, rec *engine.Record) error {
	ids := make([]string, 0, len(rec.Nodes))
	for n := range rec.Nodes {
		ids = append(ids, n)
	}
	hint := schema.DidYouMean(node, ids)
	if hint != "" {
		hint = " (" + hint + ")"
	}
	return fail(exitFailed, "run %s has no node %q%s", id, node, hint)
}

// each prints the output of several nodes of the run at path, one after
// the other, each line after its node's id; a node with none is said
// and the next is printed.
func (c *logsCmd) each(e *env, out *bufio.Writer, path string) error {
	say := e.logs.sayer(e.stderr)
	var last error
	for _, n := range c.Nodes {
		one := &logsCmd{Ref: path, RunsDir: c.RunsDir, Node: n, Nodes: []string{n}, several: true}
		err := one.run(e, out)
		var xe *exitError
		if errors.As(err, &xe) && xe.code == exitFailed {
			if last != nil {
				say(last.Error())
			}
			last = err
			continue
		}
		if err != nil {
			return err
		}
	}
	return last
}

// nodeHint says, when err says no run has an id starting with the run
// given, and that word is a node of the last run, how to name it.
func (c *logsCmd) nodeHint(err error) string {
	if !errors.Is(err, engine.ErrNoRun) || c.Ref == "last" {
		return ""
	}
	last, err := engine.FindRun(c.RunsDir, "last")
	if err != nil {
		return ""
	}
	if rec, err := engine.ReadRecord(last); err != nil || rec.Nodes[c.Ref] == nil {
		return ""
	}
	return fmt.Sprintf("; %s is a node of the last run: pipe logs last %s", c.Ref, strings.Join(append([]string{c.Ref}, c.Nodes...), " "))
}

// noLog says why a node has no log: it printed nothing, or is no node.
// asked is the run named, id the run the node ran in (the same, unless
// the node was kept by --resume).
func (c *logsCmd) noLog(e *env, dir, asked, id, logDir string) error {
	rec, err := engine.ReadRecord(filepath.Join(dir, id+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		// Only its journal: a run whose pipe died is recovered first, as
		// pipe runs and show do, so that its nodes say they were lost. A
		// run still going has no record yet.
		// One nothing can be read from is as a damaged record.
		switch r, rerr := engine.RecoverJournal(filepath.Join(dir, id+engine.JournalSuffix)); {
		case rerr == nil && r != nil:
			logRecovered(e, *r)
			rec, err = r.Record, nil
		case errors.Is(rerr, engine.ErrJournalUnreadable):
			err = rerr
		}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// Damaged: what it would say of the node is lost, and so is
		// whether it ran.
		return fail(exitFailed, "node %s of run %s left no log file (%s), and its run's record cannot be read: %v", c.Node, id, filepath.Join(logDir, c.Node+".log"), err)
	}
	if err == nil {
		if _, ok := rec.Nodes[c.Node]; !ok {
			return noNode(id, c.Node, rec)
		}
	}
	if err == nil {
		if n := rec.Nodes[c.Node]; n.Attempts == 0 && (n.Status == engine.StatusSkipped || n.Status == engine.StatusCancelled || n.Status == engine.StatusLost) {
			because := ""
			if n.Reason != "" {
				because = ": " + clipText(n.Reason, maxReasonShown)
			}
			if n.Status == engine.StatusLost && rec.Remote != "" { // it may have run, on a worker
				return fail(exitFailed, "%s", nodeOnWorkers(rec, id, c.Node))
			}
			if n.Status == engine.StatusLost { // it may have run: nothing recorded its start
				return fail(exitFailed, "node %s of run %s left no output (%s%s)", c.Node, id, n.Status, because)
			}
			return fail(exitFailed, "node %s of run %s never ran (%s%s), so it has no output", c.Node, id, n.Status, because)
		}
	}
	if err != nil {
		// No record: a run still going, or started detached, may run on
		// Temporal workers (its journal says).
		rec = remoteRecord(dir, id)
		if rec != nil && !isNodeOf(rec, c.Node) {
			return noNode(id, c.Node, rec)
		}
	}
	if rec != nil {
		if where := nodeOnWorkers(rec, id, c.Node); where != "" {
			return fail(exitFailed, "%s", where)
		}
	}
	kept := ""
	if asked != id {
		kept = fmt.Sprintf(" (run %s kept it from there)", asked)
	}
	// It ran: printing nothing is its output, as a whole run's is.
	fmt.Fprintf(e.stderr, "node %s of run %s%s left no output (%s): it printed nothing, or runs in pipe's process\n", c.Node, id, kept, filepath.Join(logDir, c.Node+".log"))
	return nil
}

// unreadableRun says why the run at path (FindRun's) cannot be read: a
// damaged record, or a journal nothing can be read from. nil when it can,
// or it has no record yet: a run still going, or whose pipe died (it is
// recovered first, as pipe show does).
func unreadableRun(e *env, path string) error {
	if strings.HasSuffix(path, engine.JournalSuffix) {
		r, err := engine.RecoverJournal(path)
		if r != nil {
			logRecovered(e, *r)
		}
		if errors.Is(err, engine.ErrJournalUnreadable) {
			return err
		}
		return nil
	}
	if _, err := engine.ReadRecord(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
