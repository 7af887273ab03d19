package main

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// fileHash is a short hash of the pipeline file as loaded.
func fileHash(plan *engine.Plan) string { return plan.SourceHash() }

// lastRunOf returns the id of the last run of file's pipeline plan in
// dir, not still going unless live: of the same file as given, else of
// the same pipeline name (the file may be named otherwise from
// elsewhere) when it has one. The error, when there is none, is a usage error of flag.
func lastRunOf(dir string, plan *engine.Plan, file, flag string, live bool) (string, error) {
	byName := ""
	same := newPipelineFile(file, dir)
	if w, err := engine.WalkRuns(dir, nil); err == nil {
		// Newest first, until a run of the same file: the runs of other
		// pipelines and files before it are read no further than their
		// head line.
		for h, ok := w.Next(); ok; h, ok = w.Next() {
			r := h.RunSummary
			if h.Broken != nil || r.Pipeline != plan.Pipeline.Name || r.Status.Going() && !live {
				continue
			}
			if same.is(r.File) {
				return r.ID, nil
			}
			if byName == "" && plan.Pipeline.Name != "" {
				// Pipelines without a name: share "", which says
				// nothing of which pipeline a run was of.
				byName = r.ID
			}
		}
	}
	if err := engine.MissingRunsDir(dir); byName == "" && err != nil {
		return "", fail(exitFailed, "%s last: %w", flag, err)
	}
	if byName == "" && plan.Pipeline.Name == "" {
		return "", fail(exitFailed, "%s last: %s holds no finished run of %s, a pipeline without a name, whose runs are told by their file (pipe runs lists the runs there)", flag, dir, file)
	}
	if byName == "" {
		return "", fail(exitFailed, "%s last: %s holds no finished run of pipeline %s (pipe runs lists the runs there)", flag, dir, plan.Pipeline.Name)
	}
	return byName, nil
}

// warnNewerDamaged says which records (or journals) of dir newer than run
// id cannot be read: one may be the run the user meant by last, and pipe
// cannot tell whose pipeline it was. use says what id is taken for
// (resumed, drawn, measured). Only the runs newer than id are read.
func warnNewerDamaged(e *env, dir, id, use string) {
	w, err := engine.WalkRuns(dir, func(other string) bool { return other > id })
	if err != nil {
		return
	}
	for _, ok := w.Next(); ok; _, ok = w.Next() {
	}
	for _, name := range w.Damaged() {
		other := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), engine.JournalSuffix)
		stamp, _, _ := strings.Cut(other, "-")
		if _, err := time.Parse("20060102T150405Z", stamp); err == nil && other > id {
			e.logs.base.Warn("a newer run's record cannot be read, so it is not the one "+use, "record", name, "run", id, "hint", "pipe show "+other+" says what is wrong")
		}
	}
}

// resumed is what a resumed run keeps of the run it resumes (see
// engine.Options.Keep, KeptFrom, KeptConfig and KeptRun).
type resumed struct {
	keep   map[string]engine.Kept
	from   string
	config map[string]engine.ConfigValue
	run    *engine.RunResume
}

// resume reads the run to resume and returns what its successful nodes
// left, to keep. The engine decides each node: one whose definition, or a
// config value it reads, changed since runs again. What cannot be decided
// per node is refused, unless --force, which keeps every node whatever
// changed: a changed pipeline file whose run's record (of an earlier
// pipe) holds no definitions.
func (c *runCmd) resume(e *env, plan *engine.Plan) (resumed, error) {
	ref := c.Resume
	if ref == "last" {
		var err error
		if ref, err = lastRunOf(c.RunsDir, plan, c.File, "--resume", false); err != nil {
			return resumed{}, err
		}
		warnNewerDamaged(e, c.RunsDir, ref, "resumed")
	}
	path, err := engine.FindRun(c.RunsDir, ref)
	if err != nil {
		return resumed{}, fail(exitFailed, "--resume %s: %w", c.Resume, err)
	}
	prev, err := readRun(e, path)
	if err != nil {
		return resumed{}, err
	}
	if prev.Pipeline != plan.Pipeline.Name {
		return resumed{}, fail(exitFailed, "--resume %s: run %s is of pipeline %s, not %s", c.Resume, prev.ID, prev.Pipeline, plan.Pipeline.Name)
	}
	fileChanged := prev.FileHash != "" && prev.FileHash != fileHash(plan)
	if fileChanged && !c.Force {
		if id := undefinedNode(prev); id != "" {
			return resumed{}, fail(exitFailed, "--resume %s: since run %s, the pipeline file (or a sub-pipeline file) changed, and that run's record does not say what its nodes were (node %s has no definition: an earlier pipe wrote it), so the outputs it would keep may be stale (--force keeps them anyway; a plain run runs all)", c.Resume, prev.ID, id)
		}
	}
	r := resumed{keep: keepable(prev, c.Force), from: prev.ID}
	if !c.Force {
		r.config = prev.Config
		if r.config == nil {
			r.config = map[string]engine.ConfigValue{} // compared: every key set now is new
		}
		r.run = prev.Resume // nil in a record of an earlier pipe: not compared
	}
	// Counted as the summary counts: a foreach node by its instances.
	succeeded, of := 0, 0
	for id, n := range prev.Nodes {
		if n.FannedOut() {
			continue
		}
		of++
		if _, ok := r.keep[id]; ok {
			succeeded++
		}
	}
	e.logs.base.Info("resuming: nodes that succeeded in it keep their outputs when what they need was kept too", "run", prev.ID, "succeeded", succeeded, "of", of)
	if fileChanged && !c.Force {
		e.logs.base.Info("the pipeline file changed since: a node whose definition changed runs again, and so do the nodes below it", "run", prev.ID)
	}
	return r, nil
}

// undefinedNode returns a node of prev that succeeded but whose record
// has no definition digest (one written by an earlier pipe), "" when
// every one has. A sub-pipeline's nodes (node/child) go with their node.
func undefinedNode(prev *engine.Record) string {
	for _, id := range slices.Sorted(maps.Keys(prev.Nodes)) {
		n := prev.Nodes[id]
		if n.Status == engine.StatusSuccess && n.Definition == "" && !n.FannedOut() && !strings.Contains(id, "/") {
			return id
		}
	}
	return ""
}

// keepable returns what prev's successful nodes left, by id; with force,
// marked Forced, so that none is run again for an edit (and their new
// records hold the definitions that made their outputs).
func keepable(prev *engine.Record, force bool) map[string]engine.Kept {
	keep := map[string]engine.Kept{}
	for id, n := range prev.Nodes {
		if n.Status == engine.StatusSuccess {
			k := engine.KeepRecord(n)
			k.Forced = force
			keep[id] = k
		}
	}
	// A kept pipeline node keeps its sub-pipeline's records.
	for id, n := range prev.Nodes {
		parent, child, nested := strings.Cut(id, "/")
		if k, ok := keep[parent]; ok && nested {
			if k.Children == nil {
				k.Children = map[string]*engine.NodeRecord{}
			}
			k.Children[child] = n
			keep[parent] = k
		}
	}
	return keep
}

// keptNotice says what a resumed run (rec) kept that its user may have
// expected to run: the services among its kept nodes (modules that wait
// and act on the world: web_interface), which --resume does not start
// again, and whether every node was kept, none run.
func keptNotice(rec *engine.Record, lookup func(string) (*modules.Info, bool)) (services []string, allKept bool) {
	allKept = true
	for _, id := range slices.Sorted(maps.Keys(rec.Nodes)) {
		n := rec.Nodes[id]
		if strings.Contains(id, "/") || n.FannedOut() {
			continue // a kept node's child, a foreach node: counted by their own
		}
		if !strings.HasPrefix(n.Reason, engine.KeptPrefix) {
			allKept = false
			continue
		}
		if info, ok := lookup(n.Module); ok && info.Waits && info.Effects {
			services = append(services, id)
		}
	}
	return services, allKept && len(rec.Nodes) > 0
}

// sayKept logs, after a resumed run, what keptNotice finds: a run with
// nothing to redo says so rather than pass for one that did the work.
func sayKept(e *env, rec *engine.Record, file string) {
	services, allKept := keptNotice(rec, modules.Default.Lookup)
	for _, id := range services {
		e.logs.base.Info("kept, not started again: --resume keeps a service that ended in the run it resumes", "node", id, "hint", "pipe run "+file+" --only "+id+" starts it")
	}
	if allKept {
		e.logs.base.Info("nothing to resume: every node succeeded in the run resumed and nothing it reads changed, so all were kept and none ran", "run", rec.ResumedFrom, "hint", "a run without --resume runs them all")
	}
}
