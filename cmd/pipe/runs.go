package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pipe-run/pipe/engine"
)

type runsCmd struct {
	RunsDir  string `help:"Where run records are." default:".pipe/runs"`
	Pipeline string `help:"Only the runs of this pipeline: its name or its file." placeholder:"NAME|FILE"`
	N        int    `short:"n" help:"How many runs to list, newest first (0: all)." default:"20"`
	JSON     bool   `help:"Print the runs as a JSON array."`
	Prune    *int   `help:"Delete all but the KEEP newest finished runs (of --pipeline, when given) and the runs they kept nodes from: records and node logs." placeholder:"KEEP"`

	file *pipelineFile // --pipeline's file, made at the first run that is not of its name
}

func (c *runsCmd) Run(e *env) error {
	if c.N < 0 {
		return fail(exitUsage, "-n %d: give a count of runs, or 0 for all", c.N)
	}
	if err := engine.NotRunsDir(c.RunsDir); err != nil {
		return fail(exitFailed, "--runs-dir %w", err)
	}
	recoverRuns(e, c.RunsDir, true) // a run whose pipe was killed shows as interrupted
	// The walk reads records newest first, each only as far as it needs:
	// -n 5 of 10,000 runs reads a few.
	w, err := engine.WalkRuns(c.RunsDir, nil)
	if err != nil {
		return err
	}
	var shown, runs []engine.RunSummary
	seen := 0 // runs walked, of every pipeline
	for c.Prune != nil || c.N == 0 || len(shown) < c.N {
		h, ok := w.Next()
		if !ok {
			break
		}
		if h.Broken != nil {
			continue
		}
		seen++
		if c.Prune != nil {
			runs = append(runs, h.RunSummary)
		} else if c.matches(h.RunSummary) {
			shown = append(shown, engine.Counted(h.RunSummary))
		}
	}
	if damaged := w.Damaged(); len(damaged) > 0 {
		// Not listed, and never pruned: say so rather than lose them quietly.
		e.logs.base.Warn("files in the runs directory are not records or journals pipe can read (cut short, changed by hand, or not pipe's): they are left as they are; pipe show FILE says what is wrong",
			"dir", c.RunsDir, "files", strings.Join(clipList(damaged, 5), ", "))
	}
	if c.Prune != nil {
		return c.prune(e, runs)
	}
	if c.JSON {
		if shown == nil {
			shown = []engine.RunSummary{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(shown)
	}
	if len(shown) == 0 {
		if seen > 0 {
			fmt.Fprintf(e.stderr, "no runs of %s in %s (it holds %d of other pipelines: pipe runs lists them)\n", c.Pipeline, c.RunsDir, seen)
			return nil
		}
		if err := engine.MissingRunsDir(c.RunsDir); err != nil {
			fmt.Fprintf(e.stderr, "no runs: %v\n", err)
			return nil
		}
		fmt.Fprintf(e.stderr, "no runs in %s\n", c.RunsDir)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tPIPELINE\tSTARTED\tDURATION\tNODES")
	var detached []engine.RunSummary
	for _, r := range shown {
		dur := took(r.Status, r.DurationMS, ">=", "")
		if r.Status == engine.StatusDetached {
			dur = "-" // it may have ended long ago: not known here
			detached = append(detached, r)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Pipeline, r.StartedAt.Local().Format(time.DateTime), dur, engine.CountsText(r.Counts, r.Tolerated))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Said, not listed: stdout holds the table.
	for _, r := range detached {
		fmt.Fprintf(e.stderr, "run %s was started with --detach on %s: `pipe status %s --on %s --wait` follows it and records it here\n", r.ID, r.Remote, r.ID, r.Remote)
	}
	return nil
}

// clipList keeps the first n of list, then says how many more.
func clipList(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clip(list[:n]), fmt.Sprintf("and %d more", len(list)-n))
}

// took is a run's duration; an interrupted run's, recovered from its
// journal, is how long it ran at least, between before and after.
func took(status engine.Status, ms int64, before, after string) string {
	d := (time.Duration(ms) * time.Millisecond).String()
	if status == engine.StatusInterrupted {
		return before + d + after
	}
	return d
}

// matches reports whether run r is of --pipeline: its name, or its file
// however it is written (./p.yaml, an absolute path, see pipelineFile).
func (c *runsCmd) matches(r engine.RunSummary) bool {
	if c.Pipeline == "" || r.Pipeline == c.Pipeline {
		return true
	}
	if c.file == nil {
		c.file = newPipelineFile(c.Pipeline, c.RunsDir)
	}
	return c.file.is(r.File)
}
