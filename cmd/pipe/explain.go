package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

type explainCmd struct {
	File      string `arg:"" help:"The pipeline file."`
	selection `embed:""`
	JSON      bool   `help:"Print the explanations as a JSON array."`
	RunsDir   string `help:"Where run records are: the last run of the pipeline predicts how long it takes." default:".pipe/runs"`
}

func (c *explainCmd) Run(e *env) error {
	eng := engine.New(modules.Default)
	plan, err := c.load(eng, c.File)
	if err != nil {
		return err
	}
	opts, _, err := c.options(e, plan)
	if err != nil {
		return err
	}
	opts.CacheDir = cacheDir(c.RunsDir)
	if err := explain(e, eng, plan, opts, c.JSON); err != nil || c.JSON {
		return err
	}
	predict(e, plan, c.RunsDir)
	return nil
}

// predict says how long the pipeline would take, and along which chain of
// nodes, from the durations of its last run that ended by itself (not
// cancelled or interrupted, nothing kept or cached).
func predict(e *env, plan *engine.Plan, dir string) {
	runs, err := engine.ListRuns(dir)
	if err != nil {
		return
	}
	for _, r := range runs {
		switch {
		case r.Pipeline != plan.Pipeline.Name, r.Status == engine.StatusRunning:
			continue
		case r.Status == engine.StatusCancelled, r.Status == engine.StatusInterrupted:
			continue // stopped before its nodes ended: their durations are cut short
		}
		rec, err := engine.ReadRecord(r.Path)
		if err != nil {
			continue
		}
		if rec.ResumedFrom != "" || anyCached(rec) {
			continue // its kept or cached nodes took no time: not a measure
		}
		g := plan.Graph
		path, total := g.CriticalPath(func(i int) time.Duration {
			if n := rec.Nodes[g.ID(i)]; n != nil {
				return n.Duration()
			}
			return 0
		})
		ids := make([]string, len(path))
		for k, i := range path {
			ids[k] = g.ID(i)
		}
		fmt.Fprintf(e.stdout, "\nwith the durations of run %s: at least %s, along %s (however many nodes run at once)\n",
			rec.ID, total.Round(time.Millisecond), strings.Join(ids, " -> "))
		return
	}
}

// explain prints what each node of plan would do in a run with opts.
func explain(e *env, eng *engine.Engine, plan *engine.Plan, opts engine.Options, asJSON bool) error {
	ex, err := eng.Explain(plan, opts)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ex)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	caches := slices.ContainsFunc(ex, func(x engine.Explanation) bool { return x.Cache != "" })
	if caches {
		fmt.Fprintln(tw, "NODE\tMODULE\tWOULD\tWHY\tCACHE")
	} else {
		fmt.Fprintln(tw, "NODE\tMODULE\tWOULD\tWHY")
	}
	for _, x := range ex {
		if caches {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.Node, x.Module, x.Would, x.Why, x.Cache)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Node, x.Module, x.Would, x.Why)
	}
	return tw.Flush()
}

// anyCached reports whether a node of rec came from the node cache.
func anyCached(rec *engine.Record) bool {
	for _, n := range rec.Nodes {
		if n.CachedFrom != "" {
			return true
		}
	}
	return false
}
