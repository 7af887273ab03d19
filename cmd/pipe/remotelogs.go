package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// remoteRecord returns the record of run id in dir when the run ran, or
// runs, on Temporal workers, whose nodes' logs are on their machines: its
// record, or, for a run still going or started detached, what its
// journal says of it. nil for a run in pipe's process, or one that
// cannot be read. A local run's journal is read no further than its
// first line.
func remoteRecord(dir, id string) *engine.Record {
	rec, err := engine.ReadRecord(filepath.Join(dir, id+".json"))
	if err == nil && rec.ID == id {
		if rec.Remote == "" && len(workersOf(rec)) == 0 {
			return nil
		}
		return rec
	}
	journal := filepath.Join(dir, id+engine.JournalSuffix)
	if !remoteJournal(journal) {
		return nil
	}
	// Followed by a pipe, started detached, or whose pipe died (then
	// recovered, as pipe show does).
	r, err := engine.RecoverJournal(journal)
	switch {
	case errors.Is(err, engine.ErrRunLive):
		rec, err = engine.LiveRecord(journal)
	case errors.Is(err, engine.ErrRunDetached):
		rec, err = engine.DetachedRecord(journal)
	case err == nil && r != nil:
		rec = r.Record
	default:
		return nil
	}
	if err != nil {
		return nil
	}
	return rec
}

// remoteJournal reports whether the journal at path is a client's, of a
// run elsewhere: its header names where.
func remoteJournal(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReaderSize(f, 4<<10).ReadSlice('\n')
	var h struct {
		Remote string `json:"remote"`
	}
	// A header too long for the buffer is of a run of many nodes; its
	// remote comes before the nodes, and is found by its prefix.
	if json.Unmarshal(line, &h) != nil {
		i := strings.Index(string(line), `"remote":"`)
		return i > 0 && !strings.Contains(string(line[:i]), `"nodes":`)
	}
	return h.Remote != ""
}

// workersOf lists the workers that ran rec's nodes, sorted.
func workersOf(rec *engine.Record) []string {
	var workers []string
	for _, n := range rec.Nodes {
		if n.Worker != "" && !slices.Contains(workers, n.Worker) {
			workers = append(workers, n.Worker)
		}
	}
	slices.Sort(workers)
	return workers
}

// onWorkers says where the logs of run id are when it ran, or runs, on
// Temporal workers and none is here: "" otherwise.
func onWorkers(dir, id string) string {
	rec := remoteRecord(dir, id)
	if rec == nil {
		return ""
	}
	return fmt.Sprintf("run %s %s: its nodes' logs are on the machines of the workers that ran them, not here, under each worker's --runs-dir (%s by default, from where the worker started)",
		id, ranOn(rec), filepath.Join(".pipe/runs", id))
}

// ranOn says where rec's run ran, or runs, and on which workers.
func ranOn(rec *engine.Record) string {
	verb, so := "ran", ""
	if rec.Status.Going() {
		verb, so = "runs", "so far "
	}
	where := verb + " on Temporal"
	if rec.Remote != "" {
		where += " (" + rec.Remote + ")"
	}
	switch workers := workersOf(rec); {
	case len(workers) > 0:
		where += ", " + so + "on worker(s) " + strings.Join(workers, ", ")
	case rec.Status == engine.StatusDetached:
		where += ", started with --detach: which workers run its nodes is not known here (pipe status " + rec.ID + " --on " + rec.Remote + " says)"
	case rec.Status.Going():
		where += ", no node ended yet"
	}
	return where
}

// nodeOnWorkers says where node's log is when run id ran, or runs, on
// Temporal workers: "" for a node that ran in pipe's process.
func nodeOnWorkers(rec *engine.Record, id, node string) string {
	log := filepath.Join(".pipe/runs", id, node+".log")
	if n := rec.Nodes[node]; n != nil && n.Worker != "" {
		return fmt.Sprintf("node %s of run %s ran on Temporal worker %s: its log is on that machine, not here, under the worker's --runs-dir (%s by default, from where the worker started)",
			node, id, n.Worker, log)
	}
	if rec.Remote == "" {
		return ""
	}
	return fmt.Sprintf("run %s %s: node %s's log, if it printed anything, is on the machine of the worker that ran it, not here, under the worker's --runs-dir (%s by default, from where the worker started)",
		id, ranOn(rec), node, log)
}
