package main

import (
	"slices"
	"strings"

	"github.com/pipe-run/pipe/engine"
)

// cacheCandidates completes pipe cache: its commands after it; the nodes
// the store has entries of for the arguments of list and clear; the
// pipelines it has entries of for --pipeline (k < 0; of list when no
// command follows cache, as it runs list). ok is false outside pipe
// cache.
func (c *completer) cacheCandidates(k int) (out []candidate, ok bool) {
	switch {
	case c.cmd == nil:
		return nil, false
	case c.cmd.Name == "cache" && k == 0:
		return commands(c.cmd), true
	case c.cmd.Name == "cache" && k > 0:
		return nil, true
	case c.cmd.Name != "cache" && (c.cmd.Parent == nil || c.cmd.Parent.Name != "cache"):
		return nil, false
	case c.cmd.Name == "prune":
		return nil, true
	}
	entries, _ := engine.CacheEntries(cacheDir(c.runsDir()))
	seen := map[string]bool{}
	for _, x := range entries {
		node, _, _ := strings.Cut(x.Node, "[") // a foreach node, not each instance (brackets want quoting)
		text, desc := node, "of pipeline "+orDash(x.Pipeline)
		if k < 0 {
			text, desc = x.Pipeline, ""
		}
		if x.Unreadable == "" && text != "" && !seen[text] {
			seen[text] = true
			out = append(out, candidate{text, desc})
		}
	}
	slices.SortFunc(out, func(a, b candidate) int { return strings.Compare(a.text, b.text) })
	return out, true
}
