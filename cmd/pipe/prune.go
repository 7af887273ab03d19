package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
)

// prune deletes the finished runs past the newest KEEP: each record, and
// the directory of its node logs. Runs still going are never touched, nor
// the runs that a run kept has nodes kept from by --resume (their logs
// are the kept nodes' logs), nor, further back, the runs those were kept
// from. Without --pipeline it also removes the log directories of runs
// whose record is gone (engine.RemoveOrphanLogs), but those: a kept node's
// log may be left there.
func (c *runsCmd) prune(e *env, runs []engine.RunSummary) error {
	if *c.Prune < 0 {
		return fail(exitUsage, "--prune %d: give how many runs to keep", *c.Prune)
	}
	doomed := map[string]bool{}
	kept := 0
	for _, r := range runs {
		if r.Status.Going() || !c.matches(r) {
			continue
		}
		if kept < *c.Prune {
			kept++
			continue
		}
		doomed[r.ID] = true
	}
	byID := make(map[string]engine.RunSummary, len(runs))
	var queue []engine.RunSummary // the runs kept, whose sources are kept too
	for _, r := range runs {
		byID[r.ID] = r
		if !doomed[r.ID] {
			queue = append(queue, r)
		}
	}
	recs := newRunRecords(c.RunsDir)
	spared := 0
	needed := map[string]bool{} // runs kept runs' nodes were kept from
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, from := range keptSources(recs, r) {
			needed[from] = true
			if doomed[from] {
				delete(doomed, from)
				spared++
				queue = append(queue, byID[from])
			}
		}
	}
	deleted := 0
	for _, r := range runs {
		if !doomed[r.ID] {
			continue
		}
		if err := engine.DeleteRun(c.RunsDir, r.ID); err != nil {
			return err
		}
		deleted++
	}
	var orphans []string
	if c.Pipeline == "" { // whose runs they were is not known
		var err error
		if orphans, err = engine.RemoveOrphanLogs(c.RunsDir, time.Now(), needed); err != nil {
			e.logs.base.Warn("could not remove every log directory of no run", "err", err)
		}
	}
	fmt.Fprintf(e.stdout, "deleted %d run(s), kept %d", deleted, kept)
	if spared > 0 {
		fmt.Fprintf(e.stdout, ", and %d older that runs kept have nodes kept from by --resume (their logs are there)", spared)
	}
	if len(orphans) > 0 {
		fmt.Fprintf(e.stdout, "; removed the logs of %d run(s) whose record was gone (%s)", len(orphans), strings.Join(clipList(orphans, 3), ", "))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// keptSources returns the runs whose logs the nodes run r kept by
// --resume printed in, and the runs between (pipe logs follows the chain
// through their records). A run still going, whose record is not written
// yet, keeps the run it resumes, and so what that one keeps.
func keptSources(recs *runRecords, r engine.RunSummary) []string {
	switch {
	case r.Status.Going():
		if r.ResumedFrom != "" {
			return []string{r.ResumedFrom}
		}
		return nil
	case r.ResumedFrom == "" && r.Status != engine.StatusInterrupted:
		// Nothing kept. A record recovered from an older pipe's journal
		// (interrupted) does not say what it resumed: its nodes do.
		return nil
	}
	rec, err := recs.get(r.ID)
	if err != nil {
		// A run whose pipe died and whose record could not be written
		// (shown from its journal): as a run still going.
		if r.ResumedFrom != "" && strings.HasSuffix(r.Path, engine.JournalSuffix) {
			return []string{r.ResumedFrom}
		}
		return nil
	}
	var out []string
	for _, n := range keptNodes(rec) {
		chain, _ := recs.keptChain(r.ID, n)
		out = append(out, chain...)
	}
	return out
}
