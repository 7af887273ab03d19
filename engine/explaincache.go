package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
)

// explainCache says whether node i, which would do w, would come from the
// node cache, and if not why: "cached (from run X)", or "not cached:
// input `with.x` changed", "... file data.csv changed", "... no earlier
// entry". It is "" for a node that does not cache. A hit's outputs are
// kept in the run, so that the nodes below can be keyed too; hit[i] says
// so.
func (c *core) explainCache(i int, w Would, hit []bool) string {
	pn := &c.plan.nodes[i]
	switch {
	case !pn.cache:
		if pn.Cache != nil && !*pn.Cache {
			return "not cached (cache: false)"
		}
		return ""
	case w == WouldSkip || w == WouldKeep || c.opts.CacheDir == "":
		return ""
	case c.opts.NoCache:
		return "not cached: --no-cache (a success refreshes the entry)"
	case pn.Foreach != nil:
		// Each instance is keyed by its own inputs, its item among them:
		// the node's inputs without one say nothing of them.
		return "decided for each instance at run time"
	}
	for _, j := range pn.refs {
		if !hit[j] {
			return fmt.Sprintf("decided at run time: reads nodes.%s, which would run", c.plan.nodes[j].ID)
		}
	}
	with, err := c.inputs(i, c.env(i, true))
	if err != nil {
		return "not cached: " + err.Error()
	}
	env, err := c.plan.envIngredients(c.config, c.progEnv)
	if err != nil {
		return "not cached: " + err.Error()
	}
	ings, err := c.plan.ingredients(context.Background(), i, with, c.config, env)
	if err != nil {
		return "not cached: " + err.Error()
	}
	store := cachestore.Open(c.opts.CacheDir)
	if e, err := store.Peek(cachestore.Key(ings)); err == nil {
		out, err := entryOutput(e)
		if err == nil {
			err = checkPromise(pn.promise, out) // as the run checks a hit
			if err != nil {
				return "not cached: the entry of run " + e.Run + " breaks a promise: " + err.Error()
			}
		}
		if err == nil {
			st := &c.nodes[i]
			st.outputs, st.rec.Message, st.rec.Status = out.Values, out.Message, StatusSuccess
			hit[i] = true
			return "cached (from run " + e.Run + ")"
		}
	}
	run, last, ok := store.Last(c.plan.Pipeline.Name, pn.ID)
	if !ok {
		return "not cached: no earlier entry"
	}
	if changed := changedIngredients(last, ings); len(changed) > 0 {
		return "not cached: " + strings.Join(changed, ", ")
	}
	return "not cached: the entry of run " + run + " is gone (pruned, or unreadable)"
}

// maxChanges bounds how many changes explain names for one node.
const maxChanges = 3

// changedIngredients names what differs between an earlier key's
// ingredients and now, in words.
func changedIngredients(before, now []cachestore.Ingredient) []string {
	was := make(map[string]cachestore.Ingredient, len(before))
	for _, in := range before {
		was[in.Name] = in
	}
	var out []string
	for _, in := range now {
		b, ok := was[in.Name]
		delete(was, in.Name)
		switch {
		case ok && b.Digest == in.Digest:
		case ok && b.Wrote:
			out = append(out, describeWritten(in.Name, in.Digest))
		case ok && b.Digest == noFile: // a file the node may write, there now
			out = append(out, describeChange(in.Name, false))
		case ok && in.Digest == noFile:
			out = append(out, describeGone(in.Name))
		default:
			out = append(out, describeChange(in.Name, ok))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(was)) {
		out = append(out, describeGone(name))
	}
	if len(out) > maxChanges {
		out = append(out[:maxChanges], fmt.Sprintf("%d more", len(out)-maxChanges))
	}
	return out
}

// describeGone says that ingredient name is no longer part of the key: a
// file removed, an input or a key no longer given.
func describeGone(name string) string {
	if f, ok := strings.CutPrefix(name, "file:"); ok {
		return "file " + f + " is gone"
	}
	return strings.TrimSuffix(describeChange(name, false), " is new") + " is no longer given"
}

func describeChange(name string, existed bool) string {
	what := name
	switch {
	case name == "module":
		return "module version changed"
	case strings.HasPrefix(name, "env."):
		what = ".env key " + strings.TrimPrefix(name, "env.")
	case strings.HasPrefix(name, "with."):
		what = "input `" + name + "`"
	case strings.HasPrefix(name, "file:"):
		what = "file " + strings.TrimPrefix(name, "file:")
	case strings.HasPrefix(name, "files:"):
		what = "files " + strings.TrimPrefix(name, "files:")
		if existed {
			return what + " match other files"
		}
	}
	if !existed {
		return what + " is new"
	}
	return what + " changed"
}
