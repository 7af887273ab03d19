package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// Completion of runs: the runs directory typed so far, the runs in it,
// those on Temporal, and the nodes of a run.

// runsDir is the --runs-dir typed so far, or the default.
func (c *completer) runsDir() string {
	for i, t := range c.toks {
		if t.kind == tokFlag && t.flag.Name == "runs-dir" {
			if _, v, ok := strings.Cut(t.text, "="); ok {
				return v
			}
			if i+1 < len(c.toks) {
				return c.toks[i+1].text
			}
		}
	}
	return ".pipe/runs"
}

// runs completes a run: last, then the ids, newest first (of pipeline
// name only, unless it is "").
func (c *completer) runs(pipeline string) []candidate {
	out := []candidate{{"last", "the newest run"}}
	w, err := engine.WalkRuns(c.runsDir(), nil)
	if err != nil {
		return out
	}
	for h, ok := w.Next(); ok; h, ok = w.Next() { // heads only: no counts
		if r := h.RunSummary; h.Broken == nil && (pipeline == "" || r.Pipeline == pipeline) {
			out = append(out, candidate{r.ID, fmt.Sprintf("%s %s %s", r.Pipeline, r.Status, r.StartedAt.Local().Format("2006-01-02 15:04"))})
		}
	}
	return out
}

// remoteRuns completes a run of pipe status: last, then the ids of the
// runs on Temporal, newest first.
func (c *completer) remoteRuns() []candidate {
	out := []candidate{{"last", "the newest run on Temporal"}}
	w, err := engine.WalkRuns(c.runsDir(), nil)
	if err != nil {
		return out
	}
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		if r := h.RunSummary; h.Broken == nil && r.Remote != "" {
			out = append(out, candidate{r.ID, fmt.Sprintf("%s %s on %s", r.Pipeline, r.Status, r.Remote)})
		}
	}
	return out
}

// nodesOfRun completes the nodes of run ref: those of its record, or
// those with a log file while it still runs.
func (c *completer) nodesOfRun(ref string) []candidate {
	path, err := engine.FindRun(c.runsDir(), ref)
	if err != nil {
		return nil
	}
	var out []candidate
	if rec, err := engine.ReadRecord(path); err == nil {
		for _, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
			out = append(out, candidate{id, string(rec.Nodes[id].Status)})
		}
		return out
	}
	id := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), engine.JournalSuffix)
	logs, _ := filepath.Glob(filepath.Join(filepath.Dir(path), id, "*.log"))
	for _, l := range logs {
		out = append(out, candidate{text: strings.TrimSuffix(filepath.Base(l), ".log")})
	}
	return out
}
