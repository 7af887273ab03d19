package main

import (
	"encoding/json"
	"fmt"
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
}

func (c *runsCmd) Run(e *env) error {
	if c.N < 0 {
		return fail(exitUsage, "-n %d: give a count of runs, or 0 for all", c.N)
	}
	recoverRuns(e, c.RunsDir) // a run whose pipe was killed shows as interrupted
	runs, err := engine.ListRuns(c.RunsDir)
	if err != nil {
		return err
	}
	var shown []engine.RunSummary
	for _, r := range runs {
		if c.Pipeline != "" && r.Pipeline != c.Pipeline && r.File != c.Pipeline {
			continue
		}
		if c.N > 0 && len(shown) == c.N {
			break
		}
		shown = append(shown, r)
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
		fmt.Fprintf(e.stderr, "no runs in %s\n", c.RunsDir)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tPIPELINE\tSTARTED\tDURATION\tNODES")
	for _, r := range shown {
		dur := (time.Duration(r.DurationMS) * time.Millisecond).String()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Pipeline, r.StartedAt.Local().Format(time.DateTime), dur, counts(r.Counts))
	}
	return tw.Flush()
}

// counts says how many nodes ended how: "4 success, 1 skipped".
func counts(c map[engine.Status]int) string {
	var parts []string
	for _, s := range []engine.Status{engine.StatusSuccess, engine.StatusError, engine.StatusSkipped, engine.StatusCancelled, engine.StatusLost} {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
