package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipe-run/pipe/engine"
	"github.com/pipe-run/pipe/modules"
)

// fileHash is a short hash of the pipeline file as loaded.
func fileHash(plan *engine.Plan) string { return plan.SourceHash() }

// lastRunOf returns the id of the last run, not still going, of file's
// pipeline plan in dir: of the same file as given, else of the same
// pipeline name (the file may be named otherwise from elsewhere). The
// error, when there is none, is a usage error of flag.
func lastRunOf(dir string, plan *engine.Plan, file, flag string) (string, error) {
	byName := ""
	if w, err := engine.WalkRuns(dir, nil); err == nil {
		// Newest first, until a run of the same file: the runs of other
		// pipelines and files before it are read no further than their
		// head line.
		for h, ok := w.Next(); ok; h, ok = w.Next() {
			r := h.RunSummary
			if h.Broken != nil || r.Pipeline != plan.Pipeline.Name || r.Status == engine.StatusRunning {
				continue
			}
			if filepath.Clean(r.File) == filepath.Clean(file) {
				return r.ID, nil
			}
			if byName == "" {
				byName = r.ID
			}
		}
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

// resume reads the run to resume and returns what its successful nodes
// left, to keep. It refuses, unless --force, when the pipeline file or a
// config value changed since: kept outputs could be stale.
func (c *runCmd) resume(e *env, plan *engine.Plan, cfg map[string]any, from map[string]string) (map[string]engine.Kept, string, error) {
	ref := c.Resume
	if ref == "last" {
		var err error
		if ref, err = lastRunOf(c.RunsDir, plan, c.File, "--resume"); err != nil {
			return nil, "", err
		}
		warnNewerDamaged(e, c.RunsDir, ref, "resumed")
	}
	path, err := engine.FindRun(c.RunsDir, ref)
	if err != nil {
		return nil, "", fail(exitFailed, "--resume %s: %w", c.Resume, err)
	}
	prev, err := readRun(e, path)
	if err != nil {
		return nil, "", err
	}
	if prev.Pipeline != plan.Pipeline.Name {
		return nil, "", fail(exitFailed, "--resume %s: run %s is of pipeline %s, not %s", c.Resume, prev.ID, prev.Pipeline, plan.Pipeline.Name)
	}
	var changed []string
	if prev.FileHash != "" && prev.FileHash != fileHash(plan) {
		changed = append(changed, "the pipeline file (or a sub-pipeline file)")
	}
	for _, k := range slices.Sorted(maps.Keys(prev.Config)) {
		was := prev.Config[k].Value
		if plan.Pipeline.IsSecret(k) || was == engine.Masked {
			// Its value is not recorded: a change of where it comes from
			// is the change that can be seen.
			if now := from[k]; now != "" && now != prev.Config[k].From {
				changed = append(changed, fmt.Sprintf("secret %s (now from %s, was from %s)", k, now, prev.Config[k].From))
			}
			continue
		}
		if now, ok := cfg[k]; ok && fmt.Sprint(was) != fmt.Sprint(now) && !sameNumber(was, now) {
			changed = append(changed, fmt.Sprintf("config %s (%v, was %v)", k, now, was))
		}
	}
	if len(changed) > 0 && !c.Force {
		return nil, "", fail(exitFailed, "--resume %s: since run %s, %s changed: the outputs it would keep may be stale (--force keeps them anyway; a plain run runs all)", c.Resume, prev.ID, strings.Join(changed, ", "))
	}
	keep := map[string]engine.Kept{}
	for id, n := range prev.Nodes {
		if n.Status == engine.StatusSuccess {
			keep[id] = engine.KeepRecord(n)
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
	e.logs.base.Info("resuming: nodes that succeeded in it keep their outputs when what they need was kept too", "run", prev.ID, "succeeded", len(keep), "of", len(prev.Nodes))
	return keep, prev.ID, nil
}

// sameNumber reports whether a and b are the same number: a record read
// back has float64 where the config has int.
func sameNumber(a, b any) bool {
	af, aok := modules.AsNumber(a)
	bf, bok := modules.AsNumber(b)
	return aok && bok && af == bf
}
