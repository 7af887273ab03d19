package engine

import (
	"slices"
)

// This file holds what the plan knows of the node cache: which nodes are
// cached, the config keys they read, and the checks `pipe validate` makes
// of `cache:` and `files:`.

// noteConfig adds the config keys comp reads to the node's, kept sorted
// so that a key is the same whatever order the expressions come in. A
// cached node's key holds their values; a resumed run checks them of
// every node (whyStale).
func (pn *planNode) noteConfig(comp *compiled) {
	if comp == nil {
		return
	}
	pn.readsPipeline = pn.readsPipeline || comp.pipeline
	for _, k := range comp.configKeys {
		if i, found := slices.BinarySearch(pn.configKeys, k); !found {
			pn.configKeys = slices.Insert(pn.configKeys, i, k)
		}
	}
}

// cacheChecks decides whether node pn is cached and reports what in its
// `cache:` and `files:` cannot work: `cache: true` on a module that acts
// on the world is an error; files without caching, and a glob that
// matches nothing now, are warnings (an earlier node may make the file).
func (c *compiler) cacheChecks(pn *planNode) {
	n, info := pn.Node, pn.info
	if info == nil {
		return
	}
	switch {
	case info.Effects && n.Cache != nil && *n.Cache:
		c.errorf(n.CachePos, "remove `cache: true`: its results are never reused",
			"node %s: module %s acts on the world and is never cached", n.ID, info.Name)
	case info.Effects:
	case pn.sub != nil && n.Cache != nil && *n.Cache:
		if id, why := uncacheable(pn.sub, map[*Plan]bool{}); id != "" {
			c.errorf(n.CachePos, "remove `cache: true`: its results are never reused",
				"node %s: its pipeline's node %s %s, so it is never cached", n.ID, id, why)
			break
		}
		pn.cache = true
	case n.Cache != nil:
		pn.cache = *n.Cache
	default:
		pn.cache = info.Deterministic
	}
	if !pn.cache {
		if len(n.Files) > 0 && !info.Effects {
			c.warnf(n.Files[0].Pos, "add `cache: true` to reuse its result while they are unchanged",
				"node %s is not cached: its files: only tell --resume to run it again when they change", n.ID)
		}
		return
	}
	var listed []string
	for _, f := range n.Files {
		m, _ := globMatches(c.base.dir, f.ID)
		if len(m) == 0 {
			c.warnf(f.Pos, "globs are relative to the base directory ("+c.base.dir+"); the key records that nothing matched",
				"files: %s matches no file", f.ID)
		}
		listed = append(listed, m...)
	}
	c.unlistedScripts(pn, listed)
	if pn.sub != nil {
		c.unlistedSubReads(pn, listed)
	}
}

// uncacheable finds a node of plan, or of its sub-pipelines, that keeps a
// pipeline node running it from being cached: one whose module acts on
// the world, or a dangerous one (a cached result would pass the gate
// shut); it says why. "" when there is none.
func uncacheable(plan *Plan, seen map[*Plan]bool) (id, why string) {
	if seen[plan] {
		return "", ""
	}
	seen[plan] = true
	for i := range plan.nodes {
		pn := &plan.nodes[i]
		switch {
		case pn.info != nil && pn.info.Effects:
			return pn.id, "runs module " + pn.info.Name + ", which acts on the world"
		case pn.dangerous:
			return pn.id, "is dangerous"
		}
	}
	for _, sub := range plan.subs {
		if id, why := uncacheable(sub, seen); id != "" {
			return sub.Pipeline.Name + "/" + id, why
		}
	}
	return "", ""
}

// Caches reports whether a node of the plan, or of a sub-pipeline it
// runs, caches its results.
func (p *Plan) Caches() bool {
	return p.caching || slices.ContainsFunc(p.subs, (*Plan).Caches)
}
