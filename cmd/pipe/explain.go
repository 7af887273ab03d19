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
	"github.com/pipe-run/pipe/schema"
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
	opts, from, err := c.options(e, plan)
	if err != nil {
		return err
	}
	opts.CacheDir, opts.ConfigFrom = cacheDir(c.RunsDir), from
	ex, err := explainNodes(e, eng, plan, opts, c.JSON)
	if err != nil || c.JSON {
		return err
	}
	predict(e, plan, c.File, c.RunsDir, ex)
	return nil
}

// predict says how long the pipeline would take, and along which chain of
// nodes, from the durations of its last run that ended by itself (not
// cancelled or interrupted, nothing kept or cached): of the same file as
// given, else of the same pipeline name, as graph --run last and --resume
// last take it. Nodes that ex says would be skipped (--skip, a false
// when) take no time.
func predict(e *env, plan *engine.Plan, file, dir string, ex []engine.Explanation) {
	skipped := map[string]bool{}
	for _, x := range ex {
		if x.Would == engine.WouldSkip {
			skipped[x.Node] = true
		}
	}
	rec := measuredRun(plan, file, dir)
	if rec == nil {
		return
	}
	g := plan.Graph
	path, total := g.CriticalPath(func(i int) time.Duration {
		if n := rec.Nodes[g.ID(i)]; n != nil && !skipped[g.ID(i)] {
			return n.Duration()
		}
		return 0
	})
	ids := make([]string, 0, len(path))
	for _, i := range path {
		if !skipped[g.ID(i)] {
			ids = append(ids, g.ID(i))
		}
	}
	if len(ids) == 0 {
		return // every node would be skipped
	}
	warnNewerDamaged(e, dir, rec.ID, "measured")
	fmt.Fprintf(e.stdout, "\nwith the durations of run %s: at least %s, along %s (however many nodes run at once)\n",
		rec.ID, total.Round(time.Millisecond), chainText(ids))
}

// chainEnds is how many nodes of each end of a long chain chainText
// names.
const chainEnds = 5

// chainText writes a chain of nodes a -> b -> c, a long one as its
// first and last chainEnds nodes around how many it leaves out: a chain
// of 10,000 nodes was one line of them all.
func chainText(ids []string) string {
	if len(ids) <= 2*chainEnds+2 { // leaving out one or two says no less
		return strings.Join(ids, " -> ")
	}
	head := strings.Join(ids[:chainEnds], " -> ")
	tail := strings.Join(ids[len(ids)-chainEnds:], " -> ")
	return fmt.Sprintf("%s -> … %d more … -> %s", head, len(ids)-2*chainEnds, tail)
}

// measuredRun returns the last run of plan's pipeline in dir whose
// durations measure it (see predict): of file, else of the pipeline's
// name when it has one; nil when there is none.
func measuredRun(plan *engine.Plan, file, dir string) *engine.Record {
	w, err := engine.WalkRuns(dir, nil)
	if err != nil {
		return nil
	}
	var byName *engine.Record
	same := newPipelineFile(file, dir)
	for h, ok := w.Next(); ok; h, ok = w.Next() {
		r := h.RunSummary
		switch {
		case h.Broken != nil:
			continue
		case r.Pipeline != plan.Pipeline.Name, r.Status.Going():
			continue
		case r.Status == engine.StatusCancelled, r.Status == engine.StatusInterrupted:
			continue // stopped before its nodes ended: their durations are cut short
		}
		sameFile := same.is(r.File)
		if !sameFile && plan.Pipeline.Name == "" {
			continue // pipelines without a name share "": by their file only
		}
		if byName != nil && !sameFile {
			continue // a fallback is found: only a run of the file itself can do better
		}
		rec, err := engine.ReadRecord(r.Path)
		if err != nil || rec.ResumedFrom != "" || anyCached(rec) {
			continue // its kept or cached nodes took no time: not a measure
		}
		if sameFile {
			return rec
		}
		byName = rec
	}
	return byName
}

// explainNodes prints what each node of plan would do in a run with opts,
// and returns it.
func explainNodes(e *env, eng *engine.Engine, plan *engine.Plan, opts engine.Options, asJSON bool) ([]engine.Explanation, error) {
	ex, err := eng.Explain(plan, opts)
	if err != nil {
		return nil, err
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return ex, enc.Encode(ex)
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
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.Node, x.Module, x.Would, schema.OneLine(x.Why), x.CacheLine())
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", x.Node, x.Module, x.Would, schema.OneLine(x.Why))
	}
	return ex, tw.Flush()
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
