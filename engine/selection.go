package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pipe-run/pipe/schema"
)

// CheckSelection reports whether opts' selection (Only, Skip, Tags,
// SkipTags, SkipModules) fits plan, as a run would: a client that hands
// the run to others checks it before, where a usage error belongs.
func CheckSelection(plan *Plan, opts Options) error {
	_, _, err := selection(plan, opts)
	return err
}

// selection marks the nodes a run runs and says why the others do not.
func selection(plan *Plan, opts Options) ([]bool, []string, error) {
	g := plan.Graph
	n := g.Len()
	selected := make([]bool, n)
	// reasons says why a node is not selected; made only when one is not.
	var reasons []string
	because := func(i int, why string) {
		if reasons == nil {
			reasons = make([]string, n)
		}
		reasons[i] = why
	}
	lookup := func(flag string, ids []string) ([]int, error) {
		var out []int
		for _, raw := range ids {
			for _, id := range splitIDs(raw) {
				id = strings.TrimSpace(id)
				if id == "" {
					continue
				}
				i, ok := g.Index(id)
				if !ok {
					hint := schema.DidYouMean(id, plan.Pipeline.NodeIDs())
					if hint != "" {
						hint = " (" + hint + ")"
					}
					return nil, fmt.Errorf("%w: %s: pipeline %s has no node %q%s", ErrUsage, flag, plan.Pipeline.Name, id, hint)
				}
				out = append(out, i)
			}
		}
		if len(ids) > 0 && len(out) == 0 && flag == "--only" {
			// --only ' , ' would run everything: the opposite of what it
			// says. An empty --skip skips nothing, as it says.
			return nil, fmt.Errorf("%w: %s: no node ids given (pipe explain FILE lists them)", ErrUsage, flag)
		}
		return out, nil
	}
	only, err := lookup("--only", opts.Only)
	if err != nil {
		return nil, nil, err
	}
	tags := splitList(opts.Tags)
	if len(opts.Tags) > 0 && len(tags) == 0 {
		// As --only ' , ': it would select every node.
		return nil, nil, fmt.Errorf("%w: --tags: no tags given", ErrUsage)
	}
	byTag, err := tagged(plan, "--tags", tags)
	if err != nil {
		return nil, nil, err
	}
	only = append(only, byTag...)
	if len(only) > 0 {
		up := g.Upstream(only)
		for i := range n {
			selected[i] = up[i]
			if !up[i] {
				because(i, "not selected by "+onlyFlags(opts))
			}
		}
	} else {
		for i := range selected {
			selected[i] = true
		}
	}
	skip, err := lookup("--skip", opts.Skip)
	if err != nil {
		return nil, nil, err
	}
	drop := func(roots []int, why string) {
		down := g.Downstream(roots)
		rootSet := make(map[int]bool, len(roots))
		for _, r := range roots {
			rootSet[r] = true
		}
		for i, d := range down {
			if d && selected[i] {
				selected[i] = false
				if rootSet[i] {
					because(i, why)
				} else {
					because(i, why+" (upstream)")
				}
			}
		}
	}
	if len(skip) > 0 {
		drop(skip, "skipped by --skip")
	}
	if skipTags := splitList(opts.SkipTags); len(skipTags) > 0 {
		byTag, err := tagged(plan, "--skip-tags", skipTags)
		if err != nil {
			return nil, nil, err
		}
		if len(byTag) > 0 {
			drop(byTag, "skipped by tag ("+strings.Join(skipTags, ", ")+")")
		}
	}
	var byModule []int
	for i := range n {
		if info := plan.nodes[i].info; info != nil && slices.Contains(opts.SkipModules, info.Name) {
			byModule = append(byModule, i)
		}
	}
	if len(byModule) > 0 {
		drop(byModule, "module disabled ("+strings.Join(opts.SkipModules, ", ")+")")
	}
	return selected, reasons, nil
}
