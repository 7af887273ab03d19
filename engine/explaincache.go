package engine

import (
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine/internal/cachestore"
)

// explainCache says whether node i, which would do w, would come from the
// node cache, and if not why: "cached (from run X)", or "not cached:
// input `with.x` changed", "... file data.csv changed", "... no earlier
// entry"; and, when what its key reads changed, each change. It is "" for
// a node that does not cache. A hit's outputs are
// kept in the run, so that the nodes below can be keyed too; hit[i] says
// so.
func (c *core) explainCache(i int, w Would, hit []bool) (string, []string) {
	pn := &c.plan.nodes[i]
	switch {
	case !pn.cache:
		if pn.Cache != nil && !*pn.Cache {
			return "not cached (cache: false)", nil
		}
		return "", nil
	case w == WouldSkip || w == WouldKeep || c.opts.CacheDir == "":
		return "", nil
	case c.opts.NoCache:
		return "not cached: --no-cache (a success refreshes the entry)", nil
	case pn.Foreach != nil:
		// Each instance is keyed by its own inputs, its item among them:
		// the node's inputs without one say nothing of them.
		return "decided for each instance at run time", nil
	}
	for _, j := range pn.refs {
		if !hit[j] {
			return fmt.Sprintf("decided at run time: reads nodes.%s, which would run", c.plan.nodes[j].ID), nil
		}
	}
	with, err := c.inputs(i, c.env(i, true))
	if err != nil {
		return "not cached: " + err.Error(), nil
	}
	env, err := c.plan.envIngredients(c.config, c.progEnv)
	if err != nil {
		return "not cached: " + err.Error(), nil
	}
	ings, err := c.plan.ingredients(context.Background(), i, with, c.config, env)
	if err != nil {
		return "not cached: " + err.Error(), nil
	}
	store := cachestore.Open(c.opts.CacheDir)
	if e, err := store.Peek(cachestore.Key(ings)); err == nil {
		out, err := entryOutput(e)
		if err == nil {
			err = checkPromise(pn.promise, out) // as the run checks a hit
			if err != nil {
				return "not cached: the entry of run " + e.Run + " breaks a promise: " + err.Error(), nil
			}
		}
		if err == nil {
			st := &c.nodes[i]
			st.outputs, st.rec.Message, st.rec.Status = out.Values, out.Message, StatusSuccess
			hit[i] = true
			return "cached (from run " + e.Run + ")", nil
		}
	}
	run, last, ok := store.Last(c.plan.Pipeline.Name, pn.ID)
	if !ok {
		return "not cached: no earlier entry", nil
	}
	if changed := changedIngredients(last, ings); len(changed) > 0 {
		return "not cached: " + strings.Join(changed, ", "), changed
	}
	return "not cached: the entry of run " + run + " is gone (pruned, or unreadable)", nil
}

// maxChanges bounds how many changes a line names for one node (the
// explain table, a record's reason); --json carries them all.
const maxChanges = 3

// sayChanges joins changes for a line: the first maxChanges, and how many
// more.
func sayChanges(changes []string) string {
	if len(changes) > maxChanges {
		return strings.Join(changes[:maxChanges], ", ") + fmt.Sprintf(" and %d more", len(changes)-maxChanges)
	}
	return strings.Join(changes, ", ")
}

// changedIngredients names, in words, all that differs between an
// earlier key's ingredients and now. What a files: glob matched
// ("files:G", the list of names) is said only when no file's own change
// ("file:X") says it already, and never for a value that names no file
// (sports_predictor's data: synthetic is a file input that is no path):
// its input or config key says the change.
func changedIngredients(before, now []cachestore.Ingredient) []string {
	was := make(map[string]cachestore.Ingredient, len(before))
	for _, in := range before {
		was[in.Name] = in
	}
	is := make(map[string]bool, len(now))
	for _, in := range now {
		is[in.Name] = true
	}
	var changes, globs []string
	for _, in := range now {
		b, ok := was[in.Name]
		delete(was, in.Name)
		_, isGlob := strings.CutPrefix(in.Name, "files:")
		switch {
		case ok && b.Digest == in.Digest:
		case isGlob && (in.Digest == matchedNothing || ok && b.Digest == matchedNothing):
		case isGlob:
			globs = append(globs, describeChange(in.Name, ok))
		case ok && b.Wrote:
			changes = append(changes, describeWritten(in.Name, in.Digest))
		case ok && b.Digest == noFile: // a file the node may write, there now
			changes = append(changes, describeChange(in.Name, false))
		case ok && in.Digest == noFile:
			changes = append(changes, describeGone(in.Name, is))
		default:
			changes = append(changes, describeChange(in.Name, ok))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(was)) {
		if glob, isGlob := strings.CutPrefix(name, "files:"); isGlob {
			if was[name].Digest != matchedNothing {
				globs = append(globs, "files "+glob+" are no longer read")
			}
			continue
		}
		changes = append(changes, describeGone(name, is))
	}
	if slices.ContainsFunc(changes, func(c string) bool { return strings.HasPrefix(c, "file ") }) {
		globs = nil // each file's change says what the globs match now
	}
	return append(changes, globs...)
}

// matchedNothing is the digest of a files: glob that matches no file.
var matchedNothing = cachestore.Digest(nil)

// describeGone says that ingredient name is no longer part of the key: a
// file removed, or no longer read (no glob of the key now, is, names it),
// an input or a key no longer given.
func describeGone(name string, is map[string]bool) string {
	if f, ok := strings.CutPrefix(name, "file:"); ok {
		for g := range is {
			if glob, ok := strings.CutPrefix(g, "files:"); ok && globReads(glob, f) {
				return "file " + f + " is gone"
			}
		}
		return "file " + f + " is no longer read"
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
		return what + " are read now"
	}
	if !existed {
		return what + " is new"
	}
	return what + " changed"
}

// globReads reports whether glob, a files: glob of a key, names file: itself,
// a directory above it, or a pattern that matches it.
func globReads(glob, file string) bool {
	if glob == file || glob == "." || strings.HasPrefix(file, strings.TrimSuffix(glob, "/")+"/") {
		return true
	}
	ok, _ := path.Match(glob, file)
	return ok || strings.Contains(glob, "**")
}
